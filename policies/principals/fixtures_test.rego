# Shared fixtures for the principal rule tests: an allowlist and small cdk.tf.json documents.
package rules.principals.fixtures_test

allowlist := {"dev": {
	"account": "111111111111",
	"regions": ["eu-west-1", "eu-west-2", "us-east-1"],
	"mfa_max_age_seconds": 3600,
	"foreign_accounts": {
		"333333333333": {"types": ["aws_iam_role"], "why": "identity account"},
		"652711504416": {"types": ["aws_s3_bucket_policy"], "why": "ELB log delivery"},
	},
	"subscription_endpoints": ["alerts@medicare.example"],
	"vpc_peers": [],
}}

meta(path) := {"metadata": {"path": sprintf("dev-security/%s", [path])}}

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

stack(resources) := {"//": {"metadata": {"stackName": "dev-security"}}, "resource": resources}

people_trust := doc([{
	"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333333333333:role/people"}, "Action": "sts:AssumeRole",
	"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}},
}])

bucket_policy := doc([
	{"Sid": "Elb", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::652711504416:root"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs-111111111111/*"},
	# A Deny may cover any account's resources (a wildcard only widens it); its exceptions name this account.
	{"Sid": "NeverElsewhere", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::*", "Condition": {"StringNotEquals": {"aws:ResourceAccount": "111111111111"}}},
	{"Sid": "NeverPublishAnywhere", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": "arn:aws:sns:*:*:*"},
])

good := stack({
	"aws_iam_role": {"people": {"//": meta("personas/people"), "assume_role_policy": people_trust}},
	"aws_s3_bucket_policy": {"logs": {"//": meta("logs/policy"), "policy": bucket_policy}},
	"aws_lambda_permission": {"p": {"//": meta("fn/permission"), "principal": "sns.amazonaws.com", "source_account": "111111111111", "source_arn": "arn:aws:sns:eu-west-2:111111111111:alarms"}},
	"aws_sns_topic_subscription": {
		"mail": {"//": meta("alarms/mail"), "protocol": "email", "endpoint": "alerts@medicare.example"},
		"fn": {"//": meta("alarms/fn"), "protocol": "lambda", "endpoint": "${aws_lambda_function.f.arn}"},
	},
	"aws_kms_key": {"k": {"//": meta("keys/k"), "policy": doc([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}])}},
})

with_resource(d, type, name, body) := object.union(d, {"resource": {type: {name: object.union({"//": meta(name)}, body)}}})
