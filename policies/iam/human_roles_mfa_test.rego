package rules.iam.human_roles_mfa_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.human_roles_mfa as rule

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "IAM-004"
}

test_pass_mfa_with_age_and_service_roles if {
	count(rule.deny) == 0 with input as f.stack(object.union(f.role("svc", {}), f.role("person", {"assume_role_policy": f.persona_trust({"Condition": f.mfa})})))
}

test_fail_no_condition if {
	fails(f.stack(f.role("person", {"assume_role_policy": f.persona_trust({})})))
}

test_fail_mfa_without_age if {
	fails(f.stack(f.role("person", {"assume_role_policy": f.persona_trust({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})})))
}

test_fail_persona_tagged_role_trusting_a_service_without_mfa if {
	fails(f.stack(f.role("person", {"tags": {"persona": "it-support"}})))
}

# Just past the configured maximum, under either operator (the allowlist's dev entry: 3600).
test_fail_mfa_older_than_configured if {
	allow := {"dev": {"mfa_max_age_seconds": 3600}}
	old := {"Bool": {"aws:MultiFactorAuthPresent": true}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3601}}
	older := {"Bool": {"aws:MultiFactorAuthPresent": true}, "NumericLessThanEquals": {"aws:MultiFactorAuthAge": "86400"}}
	fails(f.stack(f.role("person", {"assume_role_policy": f.persona_trust({"Condition": old})}))) with data.principal_allowlist as allow
	fails(f.stack(f.role("person", {"assume_role_policy": f.persona_trust({"Condition": older})}))) with data.principal_allowlist as allow
	count(rule.deny) == 0 with input as f.stack(f.role("person", {"assume_role_policy": f.persona_trust({"Condition": f.mfa})})) with data.principal_allowlist as allow
}
