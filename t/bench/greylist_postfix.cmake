# Greylisting decisions/s through a real Postfix: rampart (milter) against
# postgrey (policy service), no hook and a do-nothing milter, on the same
# triplet mix, with 4 RCPTs per transaction. This short
# version (one 8 s round per hook) fails only when a reply is not the
# expected one (passed triplet 250, fresh triplet 451 from rampart / 450 from
# postgrey) or rampart's database does not hold exactly the triplets sent;
# it skips (77) without root, postgrey or the rampart binary. The full run is
#   sudo t/bench/greylist_postfix.py --build BUILD_DIR
add_test(NAME bench/greylist_postfix_short
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/greylist_postfix.py
          --build ${CMAKE_BINARY_DIR} --duration 8 --rounds 1 --warmup 2
          --clients 32 --passed 4 --rcpts 4)
set_tests_properties(bench/greylist_postfix_short PROPERTIES
  LABELS bench RUN_SERIAL TRUE TIMEOUT 180 SKIP_RETURN_CODE 77
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
