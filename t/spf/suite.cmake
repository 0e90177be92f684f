# SPF: spf_check against real NSD and ldns-testns servers (label spf), and
# the SPF benchmark against policyd-spf (label bench).
add_executable(spf_test ${CMAKE_CURRENT_LIST_DIR}/spf_test.c)
target_link_libraries(spf_test rampart_lib)
target_include_directories(spf_test PRIVATE ${CMAKE_SOURCE_DIR}/t/unit)
add_test(NAME spf/check
  COMMAND ${CMAKE_SOURCE_DIR}/t/dns/run-dns-test.sh ${CMAKE_CURRENT_LIST_DIR}/faults.data $<TARGET_FILE:spf_test>)
set_tests_properties(spf/check PROPERTIES LABELS spf TIMEOUT 120)

add_executable(spf_bench ${CMAKE_SOURCE_DIR}/t/bench/spf_bench.c)
target_link_libraries(spf_bench rampart_lib)
add_test(NAME bench/spf
  COMMAND ${CMAKE_SOURCE_DIR}/t/bench/spf_bench.sh $<TARGET_FILE:spf_bench>)
set_tests_properties(bench/spf PROPERTIES LABELS bench TIMEOUT 300)
