package rules.iam.trust_not_public_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.trust_not_public as rule

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "IAM-003"
}

test_pass_scoped_service_and_named_account if {
	count(rule.deny) == 0 with input as f.stack(object.union(f.role("svc", {}), f.role("person", {"assume_role_policy": f.persona_trust({"Condition": f.mfa})})))
}

test_fail_public_principal if {
	fails(f.stack(f.role("person", {"assume_role_policy": f.doc([{"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": f.mfa}])})))
}

test_fail_service_without_source_condition if {
	fails(f.stack(f.role("svc", {"assume_role_policy": f.doc([{"Sid": "S", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}])})))
}
