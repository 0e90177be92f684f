# Benchmarks: the do-nothing milter (protocol-cost baseline) and the
# real-Postfix throughput/memory benchmark. The ctest entry is a short run
# (small message counts); the full run is documented in t/bench/README.md.
add_executable(nullmilter ${CMAKE_CURRENT_LIST_DIR}/nullmilter.c)
target_link_libraries(nullmilter PkgConfig::MILTER Threads::Threads)
set_target_properties(nullmilter PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/t/bench)
