package rules.iam.roles_have_boundary_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.roles_have_boundary as rule

test_pass_boundary_reference if {
	count(rule.deny) == 0 with input as f.stack(f.role("svc", {}))
}

test_pass_cross_stack_boundary if {
	count(rule.deny) == 0 with input as f.stack(f.role("svc", {"permissions_boundary": "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_iam_policyworkload-boundary_policy_AC4A47F9arn}"}))
}

test_fail_no_boundary if {
	some v in rule.deny with input as f.stack({"aws_iam_role": {"svc": {"//": f.meta("dev-data/r"), "assume_role_policy": f.service_trust}}})
	v.rule_id == "IAM-005"
}
