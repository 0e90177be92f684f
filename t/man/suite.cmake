# Man pages: each renders with groff -ww without a warning, and
# rampart.conf(5) documents exactly the daemon's keys and defaults.
find_program(RAMPART_GROFF groff)
if(RAMPART_GROFF)
  add_test(NAME man/render
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/render.sh
      ${CMAKE_SOURCE_DIR}/milter/rampart.8
      ${CMAKE_SOURCE_DIR}/milter/rampart.conf.5
      ${CMAKE_SOURCE_DIR}/milter/rampartctl.8)
  set_tests_properties(man/render PROPERTIES LABELS man)
else()
  message(STATUS "groff not found: man/render not registered")
endif()
if(TARGET rampart)
  add_test(NAME man/keys
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/keys.py $<TARGET_FILE:rampart>
      ${CMAKE_SOURCE_DIR}/milter/rampart.conf.5)
  set_tests_properties(man/keys PROPERTIES LABELS man)
endif()
