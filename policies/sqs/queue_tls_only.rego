# SQS-003: every SQS queue has a queue policy that denies any request made without TLS
# (aws:SecureTransport = false). Encryption at rest does not protect a message read or sent
# over plain HTTP; only the queue policy can refuse such requests for every caller.
package rules.sqs.queue_tls_only

import data.lib.cdktf
import data.lib.messaging

metadata := {
	"id": "SQS-003",
	"title": "Every SQS queue has a policy that denies requests without TLS",
	"severity": "medium",
	"hipaa": ["T"],
	"control": "HTTPS everywhere (ARCHITECTURE.md, client requirements): every queue refuses requests without TLS",
	"references": ["own"],
	"fix": "Add an aws_sqs_queue_policy for the queue with tlsOnlyQueuePolicy(queue.arn) (modules/messaging/encrypted-queue.ts), as EncryptedQueue does for both of its queues.",
}

deny contains cdktf.violation(metadata, queue, "no aws_sqs_queue_policy for this queue denies requests with aws:SecureTransport = false") if {
	some queue in cdktf.resources("aws_sqs_queue")
	not tls_enforced(queue)
}

tls_enforced(queue) if {
	some policy in cdktf.resources("aws_sqs_queue_policy")
	messaging.names_queue(object.get(policy.values, "queue_url", null), queue)
	some statement in cdktf.statements(object.get(policy.values, "policy", null))
	denies_insecure_transport(statement)
}

# Deny, for everyone, every action (sqs:* or *), when aws:SecureTransport is false.
denies_insecure_transport(statement) if {
	statement.Effect == "Deny"
	cdktf.principal_is_public(statement)
	some action in cdktf.as_array(object.get(statement, "Action", []))
	action in {"sqs:*", "*"}
	some value in cdktf.as_array(object.get(object.get(object.get(statement, "Condition", {}), "Bool", {}), "aws:SecureTransport", []))
	lower(sprintf("%v", [value])) == "false"
}
