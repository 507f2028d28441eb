# The Debian package (issue 9, item 1): cpack on this build tree into a temporary folder, the
# package's fields and files, its maintainer scripts run by dpkg against a scratch root
# (dpkg --root, DPKG_ROOT), then the installed binary's version, migrate, serve (the packaged web
# client and configuration, on 127.0.0.1) and man page. Needs web/dist (deploy/setup.sh builds
# it before the tests), help2man, dpkg-dev; fakeroot when not run as root. About 20 s, half of it
# cpack (strip and xz).
add_test(NAME Deploy.Package
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/deploy/package_install.sh $<TARGET_FILE:harbour> ${CMAKE_BINARY_DIR})
# The hardening checks of the binary only where the build has the flags (not under sanitizers).
set_tests_properties(Deploy.Package PROPERTIES LABELS integration TIMEOUT 120
                     ENVIRONMENT "HARBOUR_EXPECT_HARDENING=${HARBOUR_HARDENED_BUILD}")
