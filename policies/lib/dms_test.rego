package lib.dms_test

import data.lib.dms

task(settings) := {"values": {"replication_task_settings": settings}}

test_truthy_and_falsy if {
	dms.truthy(true)
	dms.truthy("true")
	not dms.truthy(false)
	not dms.truthy(object.get({}, "x", null))
	dms.falsy(false)
	dms.falsy("false")
	not dms.falsy(object.get({}, "x", null))
	not dms.falsy(true)
}

test_task_settings_parses_json_objects_only if {
	dms.task_settings(task(`{"Logging":{"EnableLogging":true}}`)) == {"Logging": {"EnableLogging": true}}
	dms.task_settings(task("not json")) == {}
	dms.task_settings(task(`[1, 2]`)) == {}
	dms.task_settings({"values": {}}) == {}
}

test_credential_engines if {
	dms.uses_database_credentials({"values": {"engine_name": "mysql"}})
	dms.uses_database_credentials({"values": {"engine_name": "aurora"}})
	not dms.uses_database_credentials({"values": {"engine_name": "s3"}})
	not dms.uses_database_credentials({"values": {}})
}

test_dms_certificate if {
	dms.is_dms_certificate("${aws_dms_certificate.ca.certificate_arn}")
	dms.is_dms_certificate("arn:aws:dms:eu-west-2:111111111111:cert:ABCDEF123")
	not dms.is_dms_certificate("${aws_acm_certificate.c.arn}")
	not dms.is_dms_certificate("")
	not dms.is_dms_certificate(null)
}
