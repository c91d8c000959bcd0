package rules.export.roles_anywhere_trust_test

import data.rules.export.roles_anywhere_trust as rule

pinned := {
	"ArnEquals": {"aws:SourceArn": "${aws_rolesanywhere_trust_anchor.onprem.arn}"},
	"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "medicare-dev-export-puller"},
}

doc(condition) := {"resource": {"aws_iam_role": {"puller": {
	"//": {"metadata": {"path": "dev-data/daily-export/puller-role"}},
	"name": "medicare-dev-export-puller",
	"assume_role_policy": json.marshal({"Version": "2012-10-17", "Statement": [{
		"Effect": "Allow",
		"Principal": {"Service": "rolesanywhere.amazonaws.com"},
		"Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
		"Condition": condition,
	}]}),
}}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "EXP-001"
	v.resource_path == "dev-data/daily-export/puller-role"
}

test_pass_anchor_and_subject if {
	count(rule.deny) == 0 with input as doc(pinned)
}

test_pass_other_service_roles_are_not_checked if {
	lambda := {"resource": {"aws_iam_role": {"fn": {"assume_role_policy": json.marshal({"Statement": {
		"Effect": "Allow",
		"Principal": {"Service": "lambda.amazonaws.com"},
		"Action": "sts:AssumeRole",
	}})}}}}
	count(rule.deny) == 0 with input as lambda
}

test_fail_no_trust_anchor if {
	fails(doc(object.remove(pinned, ["ArnEquals"])))
}

test_fail_any_trust_anchor if {
	fails(doc(object.union(object.remove(pinned, ["ArnEquals"]), {"ArnLike": {"aws:SourceArn": "arn:aws:rolesanywhere:eu-west-2:111111111111:trust-anchor/*"}})))
}

test_fail_any_certificate_subject if {
	fails(doc(object.remove(pinned, ["StringEquals"])))
}

test_fail_wildcard_subject if {
	fails(doc(object.union(object.remove(pinned, ["StringEquals"]), {"StringLike": {"aws:PrincipalTag/x509Subject/CN": "*"}})))
}
