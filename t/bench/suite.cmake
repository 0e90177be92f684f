# Benchmarks: the do-nothing milter (protocol-cost baseline) and the
# real-Postfix throughput/memory benchmark. The ctest entry is a short run
# (small message counts); the full run is documented in t/bench/README.md.
add_executable(nullmilter ${CMAKE_CURRENT_LIST_DIR}/nullmilter.c)
target_link_libraries(nullmilter PkgConfig::MILTER Threads::Threads)
set_target_properties(nullmilter PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/t/bench)

# Short CI version of the real-Postfix benchmark (well under 2 minutes); it
# fails only when a message is not accepted or a milter does not start. The
# figures it prints are too small to compare; the full run is
#   sudo t/bench/smtp_bench.py --build BUILD_DIR
add_test(NAME bench/smtp_short
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/smtp_bench.py
          --build ${CMAKE_BINARY_DIR} --messages 200 --rounds 1
          --rss-sessions 50 --rss-wait 2)
set_tests_properties(bench/smtp_short PROPERTIES
  LABELS bench RUN_SERIAL TRUE TIMEOUT 300 SKIP_RETURN_CODE 77
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")

# Per-step SMTP latency through Postfix (t/bench/latency_bench.py) is run by
# hand (t/bench/README.md): its short variant did not finish within 300 s
# under ctest on the CI-sized machine, so it is not registered until that is
# understood.
include(${CMAKE_CURRENT_LIST_DIR}/greylist_postfix.cmake)
