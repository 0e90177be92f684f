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

# start.sh: start-up as a daemon (readiness pipe, relative -c, failures after
# the fork), the pidfile and socket ownership checks. start_shim is its
# LD_PRELOAD shim (a socket swapped for a symlink, a daemon killed early).
add_library(start_shim MODULE ${CMAKE_CURRENT_SOURCE_DIR}/milter/start_shim.c)
target_link_libraries(start_shim ${CMAKE_DL_LIBS})
add_test(NAME milter/start
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/milter/start.sh $<TARGET_FILE:rampart> $<TARGET_FILE:start_shim>)
set_tests_properties(milter/start PROPERTIES LABELS milter TIMEOUT 120)
