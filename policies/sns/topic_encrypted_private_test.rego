package rules.sns.topic_encrypted_private_test

import data.rules.sns.topic_encrypted_private as rule

key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_messaging_key_1BF505FBarn}"

alarms_publish := {
	"Sid": "AlarmsPublish",
	"Effect": "Allow",
	"Principal": {"Service": "cloudwatch.amazonaws.com"},
	"Action": "sns:Publish",
	"Resource": "${aws_sns_topic.ops.arn}",
	"Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}, "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:eu-west-2:111111111111:alarm:*"}},
}

deny_without_tls := {
	"Sid": "DenyPublishingWithoutTls",
	"Effect": "Deny",
	"Principal": {"AWS": "*"},
	"Action": "sns:Publish",
	"Resource": "${aws_sns_topic.ops.arn}",
	"Condition": {"Bool": {"aws:SecureTransport": false}},
}

doc(topic, statements) := {"resource": {
	"aws_sns_topic": {"ops": topic},
	"aws_sns_topic_policy": {"ops": {"arn": "${aws_sns_topic.ops.arn}", "policy": json.marshal({"Version": "2012-10-17", "Statement": statements})}},
}}

topic := {"name": "ops", "kms_master_key_id": key}

fails_on(input_doc, address) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "SNS-001"
	v.address == address
}

test_pass_encrypted_scoped_policy if {
	count(rule.deny) == 0 with input as doc(topic, [alarms_publish, deny_without_tls])
}

test_pass_public_principal_pinned_to_org if {
	s := {"Effect": "Allow", "Principal": "*", "Action": "sns:Subscribe", "Resource": "x", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}
	count(rule.deny) == 0 with input as doc(topic, [s, deny_without_tls])
}

test_fail_no_key if {
	fails_on(doc({"name": "ops"}, [alarms_publish]), "aws_sns_topic.ops")
}

test_fail_aws_managed_key if {
	fails_on(doc({"name": "ops", "kms_master_key_id": "alias/aws/sns"}, [alarms_publish]), "aws_sns_topic.ops")
}

test_fail_no_topic_policy if {
	fails_on({"resource": {"aws_sns_topic": {"ops": topic}}}, "aws_sns_topic.ops")
}

test_fail_policy_for_another_topic if {
	d := json.patch(doc(topic, [alarms_publish]), [{"op": "replace", "path": "/resource/aws_sns_topic_policy/ops/arn", "value": "${aws_sns_topic.other.arn}"}])
	fails_on(d, "aws_sns_topic.ops")
}

test_fail_public_allow if {
	s := {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": "x"}
	fails_on(doc(topic, [s, deny_without_tls]), "aws_sns_topic_policy.ops")
}

test_fail_public_allow_with_tls_only_condition if {
	s := {"Sid": "AnyoneOverTls", "Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "x", "Condition": {"Bool": {"aws:SecureTransport": true}}}
	fails_on(doc(topic, [s]), "aws_sns_topic_policy.ops")
}

test_fail_service_without_source_scope if {
	fails_on(doc(topic, [object.remove(alarms_publish, ["Condition"])]), "aws_sns_topic_policy.ops")
}

test_fail_no_tls_deny if {
	fails_on(doc(topic, [alarms_publish]), "aws_sns_topic.ops")
}

test_fail_tls_deny_on_another_action if {
	fails_on(doc(topic, [alarms_publish, object.union(deny_without_tls, {"Action": "sns:Subscribe"})]), "aws_sns_topic.ops")
}
