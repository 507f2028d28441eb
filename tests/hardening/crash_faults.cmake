# Crash safety and faults (issue 8, items 4 and 5): Python scripts that drive the real binary.
# Hardening.DiskFull mounts a tmpfs and so needs root (CI runs as root); without mount it fails
# unless HARBOUR_ALLOW_NO_MOUNT=1, which makes it report "skipped" (exit code 77).
add_test(NAME Hardening.CrashSafety
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/hardening/crash_safety.py $<TARGET_FILE:harbour>)
set_tests_properties(Hardening.CrashSafety PROPERTIES LABELS integration TIMEOUT 600)
