package rules.principals.accounts_allowlisted_test

import data.rules.principals.accounts_allowlisted as rule
import data.rules.principals.fixtures_test as f

findings(d) := {v.msg | some v in result} if {
	result := rule.deny with input as d with data.principal_allowlist as f.allowlist
}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

test_pass_own_account_identity_role_elb_and_configured_subscriber if {
	count(findings(f.good)) == 0
}

# Two different foreign accounts in two different kinds of policy.
test_fail_foreign_account_in_trust_and_key_policy if {
	d := f.with_resource(f.with_resource(f.good,
		"aws_iam_role", "vendor", {"assume_role_policy": f.doc([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}])}),
		"aws_kms_key", "shared", {"policy": f.doc([{"Effect": "Allow", "Principal": {"AWS": "777788889999"}, "Action": "kms:Decrypt", "Resource": "*"}])})
	fails_with(d, "account 444455556666")
	fails_with(d, "account 777788889999")
}

# An allowlisted account outside the types it is allowed on: the ELB account in a key policy,
# the identity account in a queue policy.
test_fail_allowlisted_account_on_the_wrong_type if {
	d := f.with_resource(f.with_resource(f.good,
		"aws_kms_key", "elb", {"policy": f.doc([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::652711504416:root"}, "Action": "kms:Decrypt", "Resource": "*"}])}),
		"aws_sqs_queue_policy", "q", {"policy": f.doc([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333333333333:root"}, "Action": "sqs:SendMessage", "Resource": "*"}])})
	fails_with(d, "account 652711504416, which the allowlist does not allow on aws_kms_key")
	fails_with(d, "account 333333333333, which the allowlist does not allow on aws_sqs_queue_policy")
}

# Lambda permissions: a foreign source account, a wildcard account in the source ARN; a layer
# published by another account.
test_fail_permission_and_layer_accounts if {
	d := f.with_resource(f.with_resource(f.with_resource(f.good,
		"aws_lambda_permission", "foreign", {"principal": "sns.amazonaws.com", "source_account": "444455556666", "source_arn": "${aws_sns_topic.t.arn}"}),
		"aws_lambda_permission", "any", {"principal": "apigateway.amazonaws.com", "source_arn": "arn:aws:execute-api:eu-west-2:*:api/*"}),
		"aws_lambda_function", "fn", {"layers": ["arn:aws:lambda:eu-west-2:017000801446:layer:tools:3"]})
	fails_with(d, "account 444455556666, which the allowlist does not allow on aws_lambda_permission")
	fails_with(d, "an ARN in any account")
	fails_with(d, "account 017000801446, which the allowlist does not allow on aws_lambda_function")
}

# A wildcard account in an Allow statement's condition (a service for anyone's resources).
test_fail_wildcard_account_in_allow_condition if {
	d := f.with_resource(f.good, "aws_sns_topic_policy", "t", {"policy": f.doc([{
		"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": "*",
		"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:events:eu-west-2:*:rule/*"}},
	}])})
	fails_with(d, "an ARN in any account")
}

# A Deny aimed at another account's resources protects nothing here (a boundary's Deny moved
# to account 999999999999); another account in a Deny's exception lets that account in; a
# wildcard account in an exception excepts everyone.
test_fail_deny_narrowed_or_excepted_to_another_account if {
	d := f.with_resource(f.with_resource(f.with_resource(f.good,
		"aws_iam_policy", "boundary", {"policy": f.doc([{"Sid": "NeverTouchTheTrail", "Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "arn:aws:cloudtrail:eu-west-2:999999999999:trail/*"}])}),
		"aws_s3_bucket_policy", "b", {"policy": f.doc([{"Sid": "OnlyThisAccount", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ["111111111111", "444455556666"]}}}])}),
		"aws_sqs_queue_policy", "q", {"policy": f.doc([{"Sid": "OnlyFromTopics", "Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:eu-west-2:*:*"}}}])})
	fails_with(d, "Deny statement NeverTouchTheTrail: names account 999999999999")
	fails_with(d, "Deny statement OnlyThisAccount: names account 444455556666")
	fails_with(d, "Deny statement OnlyFromTopics: names an ARN in any account")
}

test_fail_region_outside_the_environment if {
	d := f.with_resource(f.good, "aws_iam_role_policy", "p", {"policy": f.doc([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:kms:us-west-2:111111111111:key/abc"}])})
	fails_with(d, "region us-west-2")
}

test_fail_vpc_endpoint_policy_and_peering_account if {
	d := f.with_resource(f.with_resource(f.good,
		"aws_vpc_endpoint", "s3", {"policy": f.doc([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "444455556666"}}}])}),
		"aws_vpc_peering_connection", "peer", {"peer_owner_id": "777788889999", "peer_vpc_id": "vpc-123"})
	fails_with(d, "account 444455556666, which the allowlist does not allow on aws_vpc_endpoint")
	fails_with(d, "account 777788889999, which the allowlist does not allow on aws_vpc_peering_connection")
}

test_fail_unconfigured_subscribers if {
	d := f.with_resource(f.with_resource(f.good,
		"aws_sns_topic_subscription", "mail2", {"protocol": "email", "endpoint": "someone@elsewhere.example"}),
		"aws_sns_topic_subscription", "hook", {"protocol": "https", "endpoint": "https://hooks.example/x"})
	fails_with(d, "someone@elsewhere.example")
	fails_with(d, "https://hooks.example/x")
}

test_fail_unknown_environment if {
	d := object.union(f.good, {"//": {"metadata": {"stackName": "staging-security"}}})
	fails_with(d, "environment \"staging\" has no entry")
}

# An SCP applies only to the organization's accounts: its exception for a role name in any
# account excepts that role of each member account, nobody outside.
test_pass_scp_exception_for_a_role_in_every_member_account if {
	d := f.with_resource(f.good, "aws_organizations_policy", "scp", {"content": f.doc([{"Sid": "NoTrailChanges", "Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/deployment"}}}])})
	count(findings(d)) == 0
}
