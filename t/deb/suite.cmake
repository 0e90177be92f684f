# Packaging and Postfix integration. "rampartctl postfix" is tested against
# private Postfix configuration directories (the real postconf, nothing
# started). t/deb/install-test.sh (build the .deb, install it, run it with
# the machine's Postfix, purge it) changes the machine and is run by CI as
# root on a throwaway host, not by ctest.
if(TARGET rampartctl)
  add_test(NAME deb/rampartctl_postfix
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ctl_postfix.sh $<TARGET_FILE:rampartctl>)
  set_tests_properties(deb/rampartctl_postfix PROPERTIES LABELS deb)
endif()
