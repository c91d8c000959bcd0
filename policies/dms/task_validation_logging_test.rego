package rules.dms.task_validation_logging_test

import data.rules.dms.task_validation_logging as rule

doc(settings) := {"resource": {"aws_dms_replication_task": {"task": {
	"//": {"metadata": {"path": "dev-data/migration/task"}},
	"migration_type": "full-load-and-cdc",
	"replication_task_settings": json.marshal(settings),
}}}}

good := {
	"ValidationSettings": {"EnableValidation": true, "ValidationMode": "ROW_LEVEL"},
	"Logging": {"EnableLogging": true},
}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "DMS-007"
	v.resource_path == "dev-data/migration/task"
}

test_pass_validation_and_logging if {
	count(rule.deny) == 0 with input as doc(good)
}

test_fail_validation_off if {
	fails(doc(object.union(good, {"ValidationSettings": {"EnableValidation": false}})))
}

test_fail_logging_off if {
	fails(doc(object.union(good, {"Logging": {"EnableLogging": false}})))
}

test_fail_logging_section_missing if {
	fails(doc(object.remove(good, ["Logging"])))
}

test_fail_no_settings if {
	fails({"resource": {"aws_dms_replication_task": {"task": {"//": {"metadata": {"path": "dev-data/migration/task"}}}}}})
}

test_fail_settings_not_json if {
	fails({"resource": {"aws_dms_replication_task": {"task": {
		"//": {"metadata": {"path": "dev-data/migration/task"}},
		"replication_task_settings": "{EnableValidation: true",
	}}}})
}
