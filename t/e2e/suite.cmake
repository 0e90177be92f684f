# End-to-end suites: each t/e2e/test_*.py drives a private, real Postfix
# instance (t/e2e/harness.py) in front of a milter. They need root and the
# postfix package; a script exits 77 (skipped) when it cannot run.
# RAMPART_BUILD_DIR tells the scripts where milter/rampart and
# t/bench/nullmilter are. Every instance has its own temp dir and ports, so
# the suites could run in parallel; RUN_SERIAL keeps timing-sensitive
# Postfix start-up away from the benchmarks and each other on small CI boxes.
if(RAMPART_E2E)
  file(GLOB RAMPART_E2E_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_*.py)
  foreach(script ${RAMPART_E2E_SCRIPTS})
    get_filename_component(name ${script} NAME_WE)
    string(REGEX REPLACE "^test_" "" name ${name})
    add_test(NAME e2e/${name} COMMAND /usr/bin/python3 ${script}
      WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
    set_tests_properties(e2e/${name} PROPERTIES
      LABELS e2e RUN_SERIAL TRUE TIMEOUT 600 SKIP_RETURN_CODE 77
      ENVIRONMENT "RAMPART_BUILD_DIR=${CMAKE_BINARY_DIR};PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()
