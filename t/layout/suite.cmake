# Layering rules of the README's "Layout": folders as layers, no libmilter
# in lib/, no ldns/LMDB/libspf2 in milter/, no circles between modules.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME layout/layers COMMAND ${Python3_EXECUTABLE}
  ${CMAKE_CURRENT_LIST_DIR}/layers.py ${CMAKE_SOURCE_DIR})
add_test(NAME layout/layers_self_test COMMAND ${Python3_EXECUTABLE}
  ${CMAKE_CURRENT_LIST_DIR}/layers.py --self-test)
set_tests_properties(layout/layers layout/layers_self_test PROPERTIES LABELS layout)
