package rules.export.roles_anywhere_s3_via_endpoint_test

import data.rules.export.roles_anywhere_s3_via_endpoint as rule

trust := json.marshal({"Statement": [{
	"Effect": "Allow",
	"Principal": {"Service": "rolesanywhere.amazonaws.com"},
	"Action": "sts:AssumeRole",
}]})

via_endpoint := {"StringEquals": {"aws:SourceVpce": "${data.terraform_remote_state.net.outputs.vpce_id}"}}

read := {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/daily/*", "Condition": via_endpoint}

decrypt := {
	"Sid": "Decrypt",
	"Effect": "Allow",
	"Action": "kms:Decrypt",
	"Resource": "${aws_kms_key.data.arn}",
	"Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-2.amazonaws.com"}},
}

doc(statements, extra) := object.union({"resource": {
	"aws_iam_role": {"puller": {"//": {"metadata": {"path": "dev-data/daily-export/puller-role"}}, "name": "puller", "assume_role_policy": trust}},
	"aws_iam_role_policy": {"puller": {
		"//": {"metadata": {"path": "dev-data/daily-export/puller-policy"}},
		"role": "${aws_iam_role.puller.name}",
		"policy": json.marshal({"Statement": statements}),
	}},
}}, extra)

fails(d, path) if {
	some v in rule.deny with input as d
	v.rule_id == "EXP-002"
	v.resource_path == path
}

test_pass_s3_through_the_endpoint if {
	count(rule.deny) == 0 with input as doc([read, decrypt], {})
}

test_pass_other_roles_may_use_s3_anywhere if {
	d := {"resource": {
		"aws_iam_role": {"fn": {"name": "fn", "assume_role_policy": json.marshal({"Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}})}},
		"aws_iam_role_policy": {"fn": {"role": "${aws_iam_role.fn.name}", "policy": json.marshal({"Statement": [object.remove(read, ["Condition"])]})}},
	}}
	count(rule.deny) == 0 with input as d
}

test_fail_read_without_endpoint if {
	fails(doc([object.remove(read, ["Condition"]), decrypt], {}), "dev-data/daily-export/puller-policy")
}

test_fail_endpoint_only_as_a_like_pattern if {
	like := object.union(object.remove(read, ["Condition"]), {"Condition": {"StringLike": {"aws:SourceVpce": "vpce-*"}}})
	fails(doc([like], {}), "dev-data/daily-export/puller-policy")
}

test_fail_everything_allowed if {
	fails(doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}], {}), "dev-data/daily-export/puller-policy")
}

test_fail_policy_naming_the_role_literally if {
	d := doc([object.remove(read, ["Condition"])], {})
	literal := json.patch(d, [{"op": "replace", "path": "/resource/aws_iam_role_policy/puller/role", "value": "puller"}])
	fails(literal, "dev-data/daily-export/puller-policy")
}

test_fail_managed_policy_attached if {
	extra := {"resource": {"aws_iam_role_policy_attachment": {"s3": {
		"//": {"metadata": {"path": "dev-data/daily-export/s3-read-only"}},
		"role": "${aws_iam_role.puller.name}",
		"policy_arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
	}}}}
	fails(doc([read], extra), "dev-data/daily-export/s3-read-only")
}

test_fail_inline_policy_block_without_endpoint if {
	d := doc([read], {})
	with_inline := json.patch(d, [{"op": "add", "path": "/resource/aws_iam_role/puller/inline_policy", "value": [{"name": "x", "policy": json.marshal({"Statement": [object.remove(read, ["Condition"])]})}]}])
	fails(with_inline, "dev-data/daily-export/puller-role")
}
