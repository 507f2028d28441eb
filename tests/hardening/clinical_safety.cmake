# Clinical safety file (issue 9, item 6): every control of deploy/clinical-safety/hazard-log.md
# names at least one test, every named ctest test exists in this build, and every named browser
# test title exists in tests/e2e. The named tests are not run here (they run in the suite anyway);
# `bash deploy/clinical-safety/verify.sh --run` runs exactly them.
add_test(NAME ClinicalSafety.HazardLogTestsExistAndPass
         COMMAND bash ${CMAKE_SOURCE_DIR}/deploy/clinical-safety/verify.sh --build-dir ${CMAKE_BINARY_DIR})
set_tests_properties(ClinicalSafety.HazardLogTestsExistAndPass PROPERTIES LABELS unit TIMEOUT 120)
