# Resource faults with real files and processes (README "When things
# break"): the greylist store (full map, failed writes, removed and
# replaced files) in process, the daemon on a full or read-only file system
# and with its database removed, and DNS without sockets. Tests that need
# root (mount, chattr, prlimit of another process) exit 77: skipped.
add_executable(store_faults ${CMAKE_CURRENT_LIST_DIR}/store_faults.c)
target_link_libraries(store_faults rampart_lib)
target_include_directories(store_faults PRIVATE ${CMAKE_SOURCE_DIR}/t/unit)
add_test(NAME faults/store COMMAND store_faults)
set_tests_properties(faults/store PROPERTIES LABELS faults TIMEOUT 120)

add_executable(dns_faults ${CMAKE_CURRENT_LIST_DIR}/dns_faults.c)
target_link_libraries(dns_faults rampart_lib)
target_include_directories(dns_faults PRIVATE ${CMAKE_SOURCE_DIR}/t/unit)
add_test(NAME faults/dns
  COMMAND ${CMAKE_SOURCE_DIR}/t/dns/run-dns-test.sh ${CMAKE_SOURCE_DIR}/t/data/testns/faults.data $<TARGET_FILE:dns_faults>)
set_tests_properties(faults/dns PROPERTIES LABELS faults TIMEOUT 60)

# The daemon: greylist store on a small tmpfs (needs root), DNS without
# descriptors (RLIMIT_NOFILE lowered by prlimit while it runs).
add_library(meta_shim MODULE ${CMAKE_CURRENT_LIST_DIR}/meta_shim.c)
add_test(NAME faults/store_daemon
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh $<TARGET_FILE:rampart> store $<TARGET_FILE:meta_shim>)
set_tests_properties(faults/store_daemon PROPERTIES LABELS faults TIMEOUT 120 SKIP_RETURN_CODE 77)
add_test(NAME faults/readonly_daemon
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh $<TARGET_FILE:rampart> readonly)
set_tests_properties(faults/readonly_daemon PROPERTIES LABELS faults TIMEOUT 120 SKIP_RETURN_CODE 77)
add_test(NAME faults/dns_daemon
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh $<TARGET_FILE:rampart> dns - --nofile=64:128)
set_tests_properties(faults/dns_daemon PROPERTIES LABELS faults TIMEOUT 120 SKIP_RETURN_CODE 77)
