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

# The RFC 7208 test suite (python3-spf's rfc7208-tests.yml.gz), each
# scenario's zone served by ldns-testns (label spf).
add_executable(rfc7208_driver ${CMAKE_CURRENT_LIST_DIR}/rfc7208_driver.c)
target_link_libraries(rfc7208_driver rampart_lib)
add_test(NAME spf/rfc7208
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/rfc7208.py $<TARGET_FILE:rfc7208_driver>
    ${CMAKE_CURRENT_LIST_DIR}/rfc7208.misses)
set_tests_properties(spf/rfc7208 PROPERTIES LABELS spf TIMEOUT 600)
