# Greylist store suites: the kill -9 durability test, rampartctl greylist on
# a live database, and the greylist benchmark (label bench).
add_executable(grey_writer ${CMAKE_CURRENT_LIST_DIR}/grey_writer.c)
target_link_libraries(grey_writer rampart_lib)

add_test(NAME greylist/kill9
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/killtest.sh $<TARGET_FILE:grey_writer>)
set_tests_properties(greylist/kill9 PROPERTIES LABELS greylist)

if(TARGET rampartctl)
  add_test(NAME greylist/rampartctl
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ctl.sh $<TARGET_FILE:grey_writer> $<TARGET_FILE:rampartctl>)
  set_tests_properties(greylist/rampartctl PROPERTIES LABELS greylist)
endif()

# In-process decisions/s for passed triplets at 1M triplets; set
# RAMPART_BENCH_BIG=1 for the 10M run too. Prints figures, asserts nothing
# timed.
add_executable(greylist_bench ${CMAKE_SOURCE_DIR}/t/bench/greylist_bench.c)
target_link_libraries(greylist_bench rampart_lib)
add_test(NAME bench/greylist COMMAND greylist_bench)
set_tests_properties(bench/greylist PROPERTIES LABELS bench TIMEOUT 3600)
