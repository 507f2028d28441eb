# Crash safety and faults (issue 8, items 4 and 5): Python scripts that drive the real binary.
# Hardening.DiskFull mounts a tmpfs and so needs root (CI runs as root); without mount it fails
# unless HARBOUR_ALLOW_NO_MOUNT=1, which makes it report "skipped" (exit code 77).
add_test(NAME Hardening.CrashSafety
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/hardening/crash_safety.py $<TARGET_FILE:harbour>)
set_tests_properties(Hardening.CrashSafety PROPERTIES LABELS integration TIMEOUT 600)
foreach(fault IN ITEMS DiskFull:disk-full LockedDatabase:locked-db GracefulRestart:graceful-restart)
  string(REPLACE ":" ";" parts ${fault})
  list(GET parts 0 name)
  list(GET parts 1 argument)
  add_test(NAME Hardening.${name}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/hardening/faults.py $<TARGET_FILE:harbour> ${argument})
  set_tests_properties(Hardening.${name} PROPERTIES LABELS integration TIMEOUT 180)
endforeach()
set_tests_properties(Hardening.DiskFull PROPERTIES SKIP_RETURN_CODE 77)
