# SQS-001: every SQS queue is encrypted with a customer-managed KMS key. Queues carry patient
# contact details and send requests; SQS-managed SSE or the AWS-managed alias/aws/sqs key
# would let anyone with sqs:ReceiveMessage read them, with no key policy or key audit trail.
package rules.sqs.queue_encrypted_with_cmk

import data.lib.cdktf

metadata := {
	"id": "SQS-001",
	"title": "Every SQS queue is encrypted with a customer-managed KMS key",
	"severity": "high",
	"hipaa": ["E", "A"],
	"control": "queues and topics encrypted with a CMK; topic policies not public",
	"references": ["ckv:CKV_AWS_27", "own"],
	"fix": "Create the queue with EncryptedQueue (modules/messaging/encrypted-queue.ts) or set kms_master_key_id to the messaging key's ARN (security.keys.messaging.arn); never alias/aws/sqs or sqs_managed_sse_enabled.",
}

deny contains cdktf.violation(metadata, queue, sprintf("kms_master_key_id is %v; it must be the ARN of a customer-managed KMS key (not alias/aws/sqs)", [object.get(queue.values, "kms_master_key_id", "absent")])) if {
	some queue in cdktf.resources("aws_sqs_queue")
	not cdktf.is_kms_key_ref(object.get(queue.values, "kms_master_key_id", null))
}

deny contains cdktf.violation(metadata, queue, "sqs_managed_sse_enabled is true; SQS-owned keys are not under our key policy or audit") if {
	some queue in cdktf.resources("aws_sqs_queue")
	queue.values.sqs_managed_sse_enabled == true
}
