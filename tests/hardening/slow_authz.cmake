# Slow clients and connection caps (issue 8, item 6); security headers, CSRF and cross-member
# authorisation over every route (item 9). Python 3 scripts that drive the real binary.
add_test(NAME Hardening.SlowClients
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/hardening/slow_clients.py $<TARGET_FILE:harbour>)
set_tests_properties(Hardening.SlowClients PROPERTIES LABELS integration TIMEOUT 180)
add_test(NAME Hardening.HeadersAuthz
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/hardening/headers_authz.py $<TARGET_FILE:harbour>)
set_tests_properties(Hardening.HeadersAuthz PROPERTIES LABELS integration TIMEOUT 180)
