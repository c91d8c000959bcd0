package rules.organization.persona_permission_sets_test

import data.rules.organization.persona_permission_sets as rule

meta(path) := {"metadata": {"path": sprintf("organization/identity-center/%s", [path])}}

instance := "arn:aws:sso:::instance/ssoins-0000000000000000"

ps_ref(persona) := sprintf("${aws_ssoadmin_permission_set.%s.arn}", [persona])

# Two personas, each with its permission set, policy, boundary and group, assigned in two accounts.
personas := ["care-provider", "it-support"]

stack := {"resource": {
	"aws_ssoadmin_permission_set": {p: {"//": meta(p), "instance_arn": instance, "name": sprintf("medicare-%s", [p]), "session_duration": "PT1H", "tags": {"persona": p}} | some p in personas},
	"aws_ssoadmin_customer_managed_policy_attachment": {p: {"instance_arn": instance, "permission_set_arn": ps_ref(p), "customer_managed_policy_reference": {"name": sprintf("medicare-persona-%s", [p]), "path": "/"}} | some p in personas},
	"aws_ssoadmin_permissions_boundary_attachment": {p: {"instance_arn": instance, "permission_set_arn": ps_ref(p), "permissions_boundary": {"customer_managed_policy_reference": {"name": "medicare-human-boundary", "path": "/"}}} | some p in personas},
	"aws_identitystore_group": {p: {"identity_store_id": "d-0000000000", "display_name": p} | some p in personas},
	"aws_ssoadmin_account_assignment": {sprintf("%s-%s", [p, a]): {
		"instance_arn": instance, "permission_set_arn": ps_ref(p), "principal_type": "GROUP",
		"principal_id": sprintf("${aws_identitystore_group.%s.group_id}", [p]), "target_type": "AWS_ACCOUNT", "target_id": a,
	} | some p in personas; some a in ["111111111111", "222222222222"]},
}}

edit(type, name, patch) := json.patch(stack, [{"op": "add", "path": sprintf("/resource/%s/%s/%s", [type, name, k]), "value": v} | some k, v in patch])

add(type, name, body) := json.patch(stack, [{"op": "add", "path": sprintf("/resource/%s", [type]), "value": {name: body}}])

findings(d) := {v.msg | some v in rule.deny with input as d}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

test_pass_distinct_permission_sets if count(findings(stack)) == 0

test_pass_other_stack if count(findings({"resource": {"aws_vpc": {"main": {}}}})) == 0

test_fail_two_hour_session if fails_with(edit("aws_ssoadmin_permission_set", "it-support", {"session_duration": "PT2H"}), "at most PT1H")

test_fail_a_day_session if fails_with(edit("aws_ssoadmin_permission_set", "it-support", {"session_duration": "P1D"}), "at most PT1H")

test_pass_half_hour_session if count(findings(edit("aws_ssoadmin_permission_set", "it-support", {"session_duration": "PT30M"}))) == 0

test_fail_two_sets_of_one_persona if fails_with(edit("aws_ssoadmin_permission_set", "it-support", {"tags": {"persona": "care-provider"}}), "2 permission sets of persona care-provider")

test_fail_untagged_set if fails_with(edit("aws_ssoadmin_permission_set", "it-support", {"tags": {}}), "no persona tag")

test_fail_another_personas_policy if {
	d := edit("aws_ssoadmin_customer_managed_policy_attachment", "it-support", {"customer_managed_policy_reference": {"name": "medicare-persona-care-provider", "path": "/"}})
	fails_with(d, "which is not its persona's")
	fails_with(d, "carries no customer-managed policy medicare-persona-it-support")
}

test_fail_no_boundary if fails_with(edit("aws_ssoadmin_permissions_boundary_attachment", "it-support", {"permission_set_arn": ps_ref("care-provider")}), "no permissions boundary medicare-human-boundary")

test_fail_aws_managed_boundary if fails_with(edit("aws_ssoadmin_permissions_boundary_attachment", "it-support", {"permissions_boundary": {"managed_policy_arn": "arn:aws:iam::aws:policy/PowerUserAccess"}}), "no permissions boundary")

test_fail_managed_policy if fails_with(add("aws_ssoadmin_managed_policy_attachment", "admin", {"instance_arn": instance, "permission_set_arn": ps_ref("it-support"), "managed_policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}), "an AWS-managed policy")

test_fail_inline_policy if fails_with(add("aws_ssoadmin_permission_set_inline_policy", "extra", {"instance_arn": instance, "permission_set_arn": ps_ref("it-support"), "inline_policy": "{}"}), "an inline policy")

test_fail_user_assignment if fails_with(edit("aws_ssoadmin_account_assignment", "it-support-111111111111", {"principal_type": "USER", "principal_id": "u-1"}), "to a USER")

test_fail_one_group_two_personas if fails_with(edit("aws_ssoadmin_account_assignment", "it-support-222222222222", {"principal_id": "${aws_identitystore_group.care-provider.group_id}"}), "no two personas share a principal")

role(persona, principal) := {"tags": {"persona": persona}, "assume_role_policy": json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})}

roles(a, b) := {"resource": {"aws_iam_role": {"a": role("care-provider", a), "b": role("it-support", b)}}}

test_pass_roles_with_distinct_principals if count(findings(roles("arn:aws:iam::333333333333:role/care", "arn:aws:iam::333333333333:role/support"))) == 0

test_fail_roles_sharing_a_principal if fails_with(roles("arn:aws:iam::333333333333:root", "arn:aws:iam::333333333333:root"), "no two personas share a principal")

test_fail_root_covers_a_role_of_its_account if fails_with(roles("333333333333", "arn:aws:iam::333333333333:role/support"), "which persona care-provider's role also trusts")
