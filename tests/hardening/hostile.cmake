# Hostile input over TLS (issue 8, items 2 and 3): Python 3 scripts (standard library only) that
# drive the real binary. HostileHttp: a table of malformed and smuggling requests, run 3 times,
# with the server's memory before and after. OversizedInput: 1 GiB bodies, deep and wide JSON,
# WebSocket frames with bad UTF-8 or giant lengths, nested echoes under a 1 MiB stack.
add_test(NAME Hardening.HostileHttp
         COMMAND python3 -u ${CMAKE_CURRENT_SOURCE_DIR}/hardening/hostile_http.py $<TARGET_FILE:harbour>)
set_tests_properties(Hardening.HostileHttp PROPERTIES LABELS integration TIMEOUT 120)
add_test(NAME Hardening.OversizedInput
         COMMAND python3 -u ${CMAKE_CURRENT_SOURCE_DIR}/hardening/oversized_input.py $<TARGET_FILE:harbour>)
set_tests_properties(Hardening.OversizedInput PROPERTIES LABELS integration TIMEOUT 120)
