# rampartctl doctor against NSD (t/data/zones/doctor.test.zone and its
# reverse zones), local sockets and private postconf -c directories.
if(TARGET rampartctl)
  add_test(NAME doctor/rampartctl
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/doctor.sh $<TARGET_FILE:rampartctl>)
  set_tests_properties(doctor/rampartctl PROPERTIES LABELS doctor TIMEOUT 60)
endif()
