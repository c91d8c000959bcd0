package lib.export_test

import data.lib.export

trust(stmt) := json.marshal({"Version": "2012-10-17", "Statement": [stmt]})

doc := {"resource": {"aws_iam_role": {
	"puller": {"name": "medicare-dev-export-puller", "assume_role_policy": trust({"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": "sts:AssumeRole"})},
	"lambda": {"name": "fn", "assume_role_policy": trust({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})},
	"denied": {"name": "d", "assume_role_policy": trust({"Effect": "Deny", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": "sts:AssumeRole"})},
}}}

test_external_roles_are_the_roles_anywhere_ones if {
	roles := export.external_roles with input as doc
	{r.name | some r in roles} == {"puller"}
}

test_names_role_by_reference_or_literal_name if {
	role := {"address": "aws_iam_role.puller", "values": {"name": "medicare-dev-export-puller"}}
	export.names_role("${aws_iam_role.puller.name}", role)
	export.names_role("medicare-dev-export-puller", role)
	not export.names_role("${aws_iam_role.other.name}", role)
	not export.names_role("other", role)
}

test_pinned if {
	stmt := {"Condition": {"StringEquals": {"aws:SourceVpce": "${aws_vpc_endpoint.s3.id}"}}}
	export.pinned(stmt, {"StringEquals"}, "aws:sourcevpce")
	not export.pinned(stmt, {"StringLike"}, "aws:SourceVpce")
	not export.pinned({"Condition": {"StringEquals": {"aws:SourceVpce": "*"}}}, {"StringEquals"}, "aws:SourceVpce")
	not export.pinned({"Condition": {"StringEquals": {"aws:SourceVpce": []}}}, {"StringEquals"}, "aws:SourceVpce")
	not export.pinned({}, {"StringEquals"}, "aws:SourceVpce")
}
