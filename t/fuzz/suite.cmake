# Fuzz targets (t/fuzz/README.md). In every build each target is linked
# with replay.c and registered as the ctest test fuzz/<target>, which feeds
# it every file of corpus/<target>/. With -DRAMPART_FUZZ=ON (clang) each
# target is also built as the libFuzzer program fuzz_<target>
# (scripts/fuzz.sh runs them).
set(RAMPART_FUZZ_TARGETS hostname path cidr access config dnsbl_site dns_answer
  spf_record greylist_record greylist_key whitelist greylist_text)
set(RAMPART_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(t ${RAMPART_FUZZ_TARGETS})
  set(src ${RAMPART_FUZZ_DIR}/fuzz_${t}.c)
  add_executable(fuzz_${t}_replay ${src} ${RAMPART_FUZZ_DIR}/replay.c)
  target_link_libraries(fuzz_${t}_replay rampart_lib)
  add_test(NAME fuzz/${t} COMMAND fuzz_${t}_replay ${RAMPART_FUZZ_DIR}/corpus/${t})
  set_tests_properties(fuzz/${t} PROPERTIES LABELS fuzz TIMEOUT 300)
  if(RAMPART_FUZZ)
    add_executable(fuzz_${t} ${src})
    target_link_libraries(fuzz_${t} rampart_lib)
    target_compile_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
  endif()
endforeach()
