# SNS-001: every SNS topic is encrypted with a customer-managed KMS key and has a topic
# policy that is not public: no Allow to everyone ("*", {"AWS": "*"}) unless a condition pins
# the caller's account, organization or source, and every Allow to an AWS service is scoped
# with aws:SourceAccount or aws:SourceArn (otherwise any account's SES configuration set or
# alarm could publish into our topics: the confused-deputy problem).
package rules.sns.topic_encrypted_private

import data.lib.cdktf

metadata := {
	"id": "SNS-001",
	"title": "Every SNS topic uses a customer-managed KMS key and a topic policy that is not public and refuses publishing without TLS",
	"severity": "high",
	"hipaa": ["E", "A"],
	"control": "queues and topics encrypted with a CMK; topic policies not public",
	"references": ["nag:SNSEncryptedKMS", "ckv:CKV_AWS_26", "ckv:CKV_AWS_169"],
	"fix": "Create the topic with EncryptedTopic (modules/messaging/encrypted-topic.ts): kms_master_key_id = the messaging key and a topic policy whose service statements carry aws:SourceAccount and aws:SourceArn.",
}

# Condition keys that pin who may use a public-principal statement.
restricting_keys := {"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:sourcevpce"}

condition_keys(statement) := {lower(key) |
	some _, by_key in object.get(statement, "Condition", {})
	some key, _ in by_key
}

deny contains cdktf.violation(metadata, topic, sprintf("kms_master_key_id is %v; it must be the ARN of a customer-managed KMS key (not alias/aws/sns)", [object.get(topic.values, "kms_master_key_id", "absent")])) if {
	some topic in cdktf.resources("aws_sns_topic")
	not cdktf.is_kms_key_ref(object.get(topic.values, "kms_master_key_id", null))
}

topic_policies(topic) := [policy |
	some policy in cdktf.resources("aws_sns_topic_policy")
	cdktf.refers_to(object.get(policy.values, "arn", null), topic)
]

deny contains cdktf.violation(metadata, topic, "has no aws_sns_topic_policy; say explicitly who may publish (and deny publishing without TLS)") if {
	some topic in cdktf.resources("aws_sns_topic")
	count(topic_policies(topic)) == 0
}

deny contains cdktf.violation(metadata, topic, "its topic policy does not deny publishing without TLS (a Deny for everyone on sns:Publish when aws:SecureTransport is false)") if {
	some topic in cdktf.resources("aws_sns_topic")
	count(topic_policies(topic)) > 0
	not tls_enforced(topic)
}

tls_enforced(topic) if {
	some policy in topic_policies(topic)
	some statement in cdktf.statements(object.get(policy.values, "policy", null))
	statement.Effect == "Deny"
	cdktf.principal_is_public(statement)
	some action in cdktf.as_array(object.get(statement, "Action", []))
	action in {"sns:Publish", "sns:*", "*"}
	some value in cdktf.as_array(object.get(object.get(object.get(statement, "Condition", {}), "Bool", {}), "aws:SecureTransport", []))
	lower(sprintf("%v", [value])) == "false"
}

allow_statements contains [policy, statement] if {
	some policy in cdktf.resources("aws_sns_topic_policy")
	some statement in cdktf.statements(object.get(policy.values, "policy", null))
	object.get(statement, "Effect", null) == "Allow"
}

deny contains cdktf.violation(metadata, policy, sprintf("statement %v allows a public principal without a condition on the caller's account, organization or source", [object.get(statement, "Sid", "(no Sid)")])) if {
	some [policy, statement] in allow_statements
	cdktf.principal_is_public(statement)
	count(condition_keys(statement) & restricting_keys) == 0
}

deny contains cdktf.violation(metadata, policy, sprintf("statement %v allows the service %v without aws:SourceAccount or aws:SourceArn", [object.get(statement, "Sid", "(no Sid)"), service])) if {
	some [policy, statement] in allow_statements
	is_object(statement.Principal)
	some service in cdktf.as_array(object.get(statement.Principal, "Service", []))
	count(condition_keys(statement) & {"aws:sourceaccount", "aws:sourcearn"}) == 0
}
