# Slow clients and connection caps (issue 8, item 6); security headers, CSRF and cross-member
# authorisation over every route (item 9). Python 3 scripts that drive the real binary.
add_test(NAME Hardening.SlowClients
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/hardening/slow_clients.py $<TARGET_FILE:harbour>)
# It measures every deadline to within a second, so it runs alone: sharing the 2 cores with a
# heavy neighbour (Deploy.Package builds and installs a package) pushed 40 slow readers under ASan
# to 3.6 s against a 2.5 s deadline, which says nothing about the server.
set_tests_properties(Hardening.SlowClients PROPERTIES LABELS integration TIMEOUT 180 RUN_SERIAL TRUE)
add_test(NAME Hardening.HeadersAuthz
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/hardening/headers_authz.py $<TARGET_FILE:harbour>)
set_tests_properties(Hardening.HeadersAuthz PROPERTIES LABELS integration TIMEOUT 180)
