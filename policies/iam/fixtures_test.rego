# Shared fixtures for the IAM rule tests: small documents shaped like cdk.tf.json.
package rules.iam.fixtures_test

meta(path) := {"metadata": {"path": path}}

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

mfa := {"Bool": {"aws:MultiFactorAuthPresent": true}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}

persona_trust(condition) := doc([object.union(
	{"Sid": "People", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::333333333333:root"]}, "Action": "sts:AssumeRole"},
	condition,
)])

service_trust := doc([{
	"Sid": "Service", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole",
	"Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}},
}])

role(name, fields) := {"aws_iam_role": {name: object.union(
	{"//": meta(sprintf("dev-security/personas/%s", [name])), "permissions_boundary": "${aws_iam_policy.boundary.arn}", "assume_role_policy": service_trust},
	fields,
)}}

role_policy(statements) := {"aws_iam_role_policy": {"p": {"//": meta("dev-security/personas/it-support-policy"), "role": "${aws_iam_role.r.name}", "policy": doc(statements)}}}

stack(resources) := {"//": {"metadata": {"stackName": "dev-security"}}, "resource": resources}
