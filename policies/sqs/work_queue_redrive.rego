# SQS-002: every work queue (a queue that is not itself a dead-letter queue) moves a message
# that keeps failing to a dead-letter queue after a bounded number of receives. Without a
# redrive policy a poison message is retried until retention deletes it: the send is lost
# silently, and it keeps a worker busy on every retry.
package rules.sqs.work_queue_redrive

import data.lib.cdktf
import data.lib.messaging

metadata := {
	"id": "SQS-002",
	"title": "Every SQS work queue redrives failing messages to a dead-letter queue",
	"severity": "medium",
	"hipaa": ["I", "B"],
	"control": "SQS queues with DLQs (KMS) (ARCHITECTURE.md, campaign stack): every work queue redrives to a dead-letter queue",
	"references": ["own"],
	"fix": "Create the queue with EncryptedQueue (modules/messaging/encrypted-queue.ts), which adds a dead-letter queue and redrive_policy {deadLetterTargetArn, maxReceiveCount}.",
}

# A queue is a dead-letter queue when another queue's redrive policy, a function's
# dead_letter_config, a schedule's dead_letter_config or an on-failure destination targets it
# (lib.messaging.dead_letter_queues); every other queue is a work queue.
deny contains cdktf.violation(metadata, queue, "is a work queue (nothing sends failures to it) but has no redrive_policy; failing messages would be retried until retention drops them") if {
	some queue in messaging.work_queues
	count(messaging.redrive_policies(queue)) == 0
}

deny contains cdktf.violation(metadata, queue, sprintf("redrive_policy.deadLetterTargetArn is %v; it must name an SQS queue", [object.get(policy, "deadLetterTargetArn", "absent")])) if {
	some queue in messaging.work_queues
	some policy in messaging.redrive_policies(queue)
	not sqs_queue(object.get(policy, "deadLetterTargetArn", null))
}

deny contains cdktf.violation(metadata, queue, sprintf("redrive_policy.maxReceiveCount is %v; it must be a number >= 1", [object.get(policy, "maxReceiveCount", "absent")])) if {
	some queue in messaging.work_queues
	some policy in messaging.redrive_policies(queue)
	not at_least_one(object.get(policy, "maxReceiveCount", null))
}

# Over every queue: a queue that redrives into itself counts as a dead-letter queue above.
deny contains cdktf.violation(metadata, queue, "redrive_policy names the queue itself as its dead-letter queue") if {
	some queue in cdktf.resources("aws_sqs_queue")
	some policy in messaging.redrive_policies(queue)
	cdktf.refers_to(object.get(policy, "deadLetterTargetArn", null), queue)
}

sqs_queue(arn) if cdktf.ref_type(arn) == "aws_sqs_queue"

sqs_queue(arn) if {
	is_string(arn)
	startswith(arn, "arn:aws:sqs:")
}

at_least_one(n) if {
	is_number(n)
	n >= 1
}

at_least_one(n) if {
	is_string(n)
	regex.match(`^[0-9]+$`, n)
	to_number(n) >= 1
}
