# The Debian package: `cpack` in a build tree (deploy/package.sh does it for the release preset)
# writes harbour_<version>_<arch>.deb from the install() rules of the top-level CMakeLists.txt.
# Included from there; its maintainer scripts and conffiles list are in this folder.
set(HARBOUR_PACKAGE_MAINTAINER "Harbour developers <dev@harbour.invalid>"
    CACHE STRING "Maintainer field of the Debian package (Name <email>)")

# /usr/share/doc/harbour/changelog.gz: one entry for this version (the history is git's). The
# version has no Debian revision (a native package), hence changelog.gz, not changelog.Debian.gz.
# Its date honours SOURCE_DATE_EPOCH, for a reproducible package.
string(TIMESTAMP HARBOUR_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file("${CMAKE_CURRENT_LIST_DIR}/changelog.in" "${CMAKE_BINARY_DIR}/package/changelog" @ONLY)
execute_process(COMMAND gzip -9 -n -c "${CMAKE_BINARY_DIR}/package/changelog"
                OUTPUT_FILE "${CMAKE_BINARY_DIR}/package/changelog.gz" COMMAND_ERROR_IS_FATAL ANY)
install(FILES "${CMAKE_BINARY_DIR}/package/changelog.gz" DESTINATION share/doc/harbour)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME harbour)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${HARBOUR_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Strip the binary (the ci build's has 170 MB of debug information).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${HARBOUR_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Architecture: CPack asks `dpkg --print-architecture`.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "moderated peer-support community for NHS talking-therapy services")
# The summary is the first line of Description; this text, the extended description.
set(CPACK_PACKAGE_DESCRIPTION "Harbour is a secure, moderated online community for people who have finished
NHS talking therapy, and for their relatives and carers: forums, blogs,
support resources and, during office hours, a live Wall where peers talk to
each other and to a moderating team. Members join by invitation.

One process serves the web client and its JSON and WebSocket API over HTTPS
and keeps its data in one SQLite database. This package runs it as a
sandboxed systemd service with an hourly, checked and rotated backup timer,
and includes a certbot deploy hook that reloads renewed certificates
without a restart.

The service is not started on installation: set the public address, the
local crisis team and the certificate in /etc/harbour/harbour.toml first.")

# Depends: the shared libraries the binary links, from dpkg-shlibdeps, plus what it uses
# without linking: systemd (systemd-sysusers and systemd-tmpfiles in postinst, the units),
# tzdata (office hours are kept in a network's time zone: date-tz reads /usr/share/zoneinfo).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, tzdata")
# A live service needs a real certificate (certbot, with the hook in /usr/share/harbour);
# sqlite3 is for looking into the database or a backup by hand.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "certbot")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_CURRENT_LIST_DIR}/conffiles;${CMAKE_CURRENT_LIST_DIR}/postinst;${CMAKE_CURRENT_LIST_DIR}/prerm;${CMAKE_CURRENT_LIST_DIR}/postrm")
# Maintainer scripts 0755 and conffiles 0644 whatever their mode in the checkout.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
