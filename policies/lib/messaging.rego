# Helpers for the queue, topic and alarm rules (SQS-xxx, SNS-xxx, ALM-xxx): which queues are
# dead-letter queues, how a queue's redrive policy reads, and how a value names a queue.
package lib.messaging

import data.lib.cdktf

# `value` names the queue: a reference to any of its attributes (arn, url, name, id) or its
# literal name.
names_queue(value, queue) if cdktf.refers_to(value, queue)

names_queue(value, queue) if {
	name := object.get(queue.values, "name", null)
	cdktf.non_empty_string(name)
	value == name
}

# The redrive policy of a queue, as an object: the queue's own redrive_policy attribute or a
# separate aws_sqs_queue_redrive_policy resource for it (JSON strings, or objects).
redrive_policies(queue) := array.concat(
	[p | p := _json_object(object.get(queue.values, "redrive_policy", null))],
	[p |
		some resource in cdktf.resources("aws_sqs_queue_redrive_policy")
		names_queue(object.get(resource.values, "queue_url", null), queue)
		p := _json_object(object.get(resource.values, "redrive_policy", null))
	],
)

_json_object(x) := x if is_object(x)

_json_object(x) := doc if {
	is_string(x)
	json.is_valid(x)
	doc := json.unmarshal(x)
	is_object(doc)
}

# Every value that sends failed work somewhere: a queue's redrive target, a function's
# dead_letter_config, a schedule target's dead_letter_config, an asynchronous invocation's
# on-failure destination.
dead_letter_targets contains target if {
	some queue in cdktf.resources("aws_sqs_queue")
	some policy in redrive_policies(queue)
	target := object.get(policy, "deadLetterTargetArn", null)
}

dead_letter_targets contains target if {
	some function in cdktf.resources("aws_lambda_function")
	some config in cdktf.blocks(object.get(function.values, "dead_letter_config", null))
	target := object.get(config, "target_arn", null)
}

dead_letter_targets contains target if {
	some schedule in cdktf.resources("aws_scheduler_schedule")
	some t in cdktf.blocks(object.get(schedule.values, "target", null))
	some config in cdktf.blocks(object.get(t, "dead_letter_config", null))
	target := object.get(config, "arn", null)
}

dead_letter_targets contains target if {
	some config in cdktf.resources("aws_lambda_function_event_invoke_config")
	some destinations in cdktf.blocks(object.get(config.values, "destination_config", null))
	some on_failure in cdktf.blocks(object.get(destinations, "on_failure", null))
	target := object.get(on_failure, "destination", null)
}

# The queues of this document that receive failed work from something else.
dead_letter_queues contains queue if {
	some queue in cdktf.resources("aws_sqs_queue")
	some target in dead_letter_targets
	cdktf.refers_to(target, queue)
}

# The queues that do real work (everything that is not a dead-letter queue).
work_queues contains queue if {
	some queue in cdktf.resources("aws_sqs_queue")
	not queue in dead_letter_queues
}

# The alarms on `namespace`/`metric` whose dimension `dimension` satisfies names(value).
metric_alarms(namespace, metric) := [alarm |
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	object.get(alarm.values, "namespace", null) == namespace
	object.get(alarm.values, "metric_name", null) == metric
]

dimension(alarm, key) := object.get(object.get(alarm.values, "dimensions", {}), key, null)
