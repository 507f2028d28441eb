# Monitoring kit (issue 9, item 5): the Prometheus alert rules of deploy/monitoring load, pass
# their promtool unit tests, and name only metrics a real scrape of the server exposes.
add_test(NAME Deploy.AlertRules
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/deploy/alert_rules.sh $<TARGET_FILE:harbour>)
set_tests_properties(Deploy.AlertRules PROPERTIES LABELS integration TIMEOUT 60)
