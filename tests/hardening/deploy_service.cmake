# Deployment kit (issue 9, items 2-4): the systemd units, certificate reload on SIGHUP and the
# hourly backup's rotation, each driving the real binary from outside.
# SystemdVerify: systemd-analyze verify and security --offline on deploy/systemd's units, the
# hardening settings, sysusers/tmpfiles on a temporary root (needs systemd-analyze, Debian's
# systemd package). TlsReload: certificate renewal through the certbot deploy hook and SIGHUP,
# open connections kept, unusable files refused without stopping the server. BackupRotation:
# the timer's command with --keep, refusals that delete nothing, restore and audit verify.
add_test(NAME Deploy.SystemdVerify
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/deploy/systemd_verify.sh $<TARGET_FILE:harbour>)
set_tests_properties(Deploy.SystemdVerify PROPERTIES LABELS integration TIMEOUT 60)
add_test(NAME Deploy.TlsReload
         COMMAND python3 -u ${CMAKE_CURRENT_SOURCE_DIR}/deploy/tls_reload.py $<TARGET_FILE:harbour>)
set_tests_properties(Deploy.TlsReload PROPERTIES LABELS integration TIMEOUT 120)
add_test(NAME Deploy.BackupRotation
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/deploy/backup_rotation.sh $<TARGET_FILE:harbour>)
set_tests_properties(Deploy.BackupRotation PROPERTIES LABELS integration TIMEOUT 120)
