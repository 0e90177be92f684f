# DNS engine: the resolver against real NSD and ldns-testns servers, and its
# benchmark (label bench). The wrapper starts and always stops the servers.
add_executable(dns_test ${CMAKE_CURRENT_LIST_DIR}/dns_test.c)
target_link_libraries(dns_test rampart_lib)
target_include_directories(dns_test PRIVATE ${CMAKE_SOURCE_DIR}/t/unit)
add_test(NAME dns/resolver
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/run-dns-test.sh ${CMAKE_CURRENT_SOURCE_DIR}/data/testns/faults.data $<TARGET_FILE:dns_test>)
set_tests_properties(dns/resolver PROPERTIES LABELS dns TIMEOUT 120)

add_executable(dns_bench ${CMAKE_SOURCE_DIR}/t/bench/dns_bench.c)
target_link_libraries(dns_bench rampart_lib)
add_test(NAME bench/dns
  COMMAND ${CMAKE_SOURCE_DIR}/t/bench/dns_bench.sh $<TARGET_FILE:dns_bench>)
set_tests_properties(bench/dns PROPERTIES LABELS bench TIMEOUT 90)
