package rules.logs.log_group_retention_test

import data.rules.logs.log_group_retention as rule

group(fields) := {"resource": {"aws_cloudwatch_log_group": {"flow": object.union({"kms_key_id": "${aws_kms_key.logs.arn}"}, fields)}}}

fails(doc) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "LOG-002"
	v.address == "aws_cloudwatch_log_group.flow"
}

test_pass_one_year if {
	count(rule.deny) == 0 with input as group({"retention_in_days": 365})
}

test_pass_six_years if {
	count(rule.deny) == 0 with input as group({"retention_in_days": 2192})
}

test_fail_thirty_days if {
	fails(group({"retention_in_days": 30}))
}

test_fail_absent if {
	fails(group({}))
}

test_fail_never_expire if {
	fails(group({"retention_in_days": 0}))
}
