package rules.sqs.queue_tls_only_test

import data.rules.sqs.queue_tls_only as rule

tls_only(arn) := json.marshal({"Version": "2012-10-17", "Statement": [{
	"Sid": "DenyRequestsWithoutTls",
	"Effect": "Deny",
	"Principal": {"AWS": "*"},
	"Action": "sqs:*",
	"Resource": arn,
	"Condition": {"Bool": {"aws:SecureTransport": false}},
}]})

doc(policy) := {"resource": {
	"aws_sqs_queue": {"send": {"name": "send", "kms_master_key_id": "${aws_kms_key.k.arn}"}},
	"aws_sqs_queue_policy": {"send": {"queue_url": "${aws_sqs_queue.send.url}", "policy": policy}},
}}

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "SQS-003"
	v.address == "aws_sqs_queue.send"
}

test_pass_tls_only_policy if {
	count(rule.deny) == 0 with input as doc(tls_only("${aws_sqs_queue.send.arn}"))
}

test_pass_string_false_and_star_principal if {
	p := json.marshal({"Statement": {"Effect": "Deny", "Principal": "*", "Action": ["*"], "Resource": "x", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}})
	count(rule.deny) == 0 with input as doc(p)
}

test_fail_no_queue_policy if {
	fails({"resource": {"aws_sqs_queue": {"send": {"name": "send"}}}})
}

test_fail_policy_for_another_queue if {
	d := json.patch(doc(tls_only("x")), [{"op": "replace", "path": "/resource/aws_sqs_queue_policy/send/queue_url", "value": "${aws_sqs_queue.other.url}"}])
	fails(d)
}

test_fail_deny_only_some_actions if {
	p := json.marshal({"Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "x", "Condition": {"Bool": {"aws:SecureTransport": false}}}]})
	fails(doc(p))
}

test_fail_allow_instead_of_deny if {
	p := json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:*", "Resource": "x", "Condition": {"Bool": {"aws:SecureTransport": true}}}]})
	fails(doc(p))
}
