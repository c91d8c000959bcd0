package rules.kms.key_deletion_window_test

import data.rules.kms.key_deletion_window as rule

key(fields) := {"resource": {"aws_kms_key": {"data": object.union({"enable_key_rotation": true}, fields)}}}

fails(doc) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "KMS-002"
	v.address == "aws_kms_key.data"
}

test_pass_thirty_days if {
	count(rule.deny) == 0 with input as key({"deletion_window_in_days": 30})
}

test_pass_absent_means_aws_default_of_thirty if {
	count(rule.deny) == 0 with input as key({})
}

test_fail_seven_days if {
	fails(key({"deletion_window_in_days": 7}))
}

test_fail_token if {
	fails(key({"deletion_window_in_days": "${var.window}"}))
}
