# miltertest suites: t/milter/NAME.lua driven against rampart started with
# t/milter/NAME.conf by run.sh.
file(GLOB RAMPART_MT_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/milter/*.lua)
foreach(script ${RAMPART_MT_SCRIPTS})
  get_filename_component(name ${script} NAME_WE)
  if(NOT name STREQUAL "lib")
    add_test(NAME milter/${name}
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/milter/run.sh $<TARGET_FILE:rampart> ${name})
    set_tests_properties(milter/${name} PROPERTIES LABELS milter TIMEOUT 120)
  endif()
endforeach()
