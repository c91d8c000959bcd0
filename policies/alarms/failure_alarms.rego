# ALM-001: failures are noticed. Every Lambda function has an Errors and a Throttles alarm,
# and every dead-letter queue (a queue that receives another queue's, a function's, a
# schedule's or an asynchronous invocation's failures: lib.messaging.dead_letter_queues) has an
# alarm that fires on its first visible message. Without them a failed send, rotation or
# export sits in a queue for 14 days and is then deleted, unseen. That each alarm notifies
# someone is LOG-003's check.
package rules.alarms.failure_alarms

import data.lib.cdktf
import data.lib.lambda
import data.lib.messaging

metadata := {
	"id": "ALM-001",
	"title": "Every Lambda function has Errors and Throttles alarms, every state machine an ExecutionsFailed alarm; every dead-letter queue alarms on its first message",
	"severity": "medium",
	"hipaa": ["L", "B"],
	"control": "alarms on DLQ depth, errors, throttles (ARCHITECTURE.md, campaign stack); the data stack's function and dead-letter queues too",
	"references": ["own"],
	"fix": "Add the function, state machine and dead-letter queues to OperationsAlarms (modules/monitoring/operations-alarms.ts): AWS/Lambda Errors and Throttles with dimension FunctionName, AWS/States ExecutionsFailed with dimension StateMachineArn, and AWS/SQS ApproximateNumberOfMessagesVisible > 0 with dimension QueueName, each with alarm_actions.",
}

has_function_alarm(function, metric) if {
	some alarm in messaging.metric_alarms("AWS/Lambda", metric)
	lambda.names_function(messaging.dimension(alarm, "FunctionName"), function)
}

deny contains cdktf.violation(metadata, function, sprintf("no AWS/Lambda %v alarm with dimension FunctionName = this function", [metric])) if {
	some function in cdktf.resources("aws_lambda_function")
	some metric in ["Errors", "Throttles"]
	not has_function_alarm(function, metric)
}

# A state machine's alarm names it by ARN: a reference to it, or the ARN spelled out with its name.
names_state_machine(value, machine) if cdktf.refers_to(value, machine)

names_state_machine(value, machine) if {
	is_string(value)
	endswith(value, sprintf(":stateMachine:%v", [machine.values.name]))
}

deny contains cdktf.violation(metadata, machine, "no AWS/States ExecutionsFailed alarm with dimension StateMachineArn = this state machine: a failed campaign run or form publication would go unseen") if {
	some machine in cdktf.resources("aws_sfn_state_machine")
	not has_failed_executions_alarm(machine)
}

has_failed_executions_alarm(machine) if {
	some alarm in messaging.metric_alarms("AWS/States", "ExecutionsFailed")
	names_state_machine(messaging.dimension(alarm, "StateMachineArn"), machine)
}

# Fires once one message is visible: > t with 0 <= t < 1, or >= t with 0 < t <= 1.
fires_on_first_message(alarm) if {
	alarm.values.comparison_operator == "GreaterThanThreshold"
	t := to_number(alarm.values.threshold)
	0 <= t
	t < 1
}

fires_on_first_message(alarm) if {
	alarm.values.comparison_operator == "GreaterThanOrEqualToThreshold"
	t := to_number(alarm.values.threshold)
	0 < t
	t <= 1
}

deny contains cdktf.violation(metadata, queue, "is a dead-letter queue without an AWS/SQS ApproximateNumberOfMessagesVisible alarm (dimension QueueName = this queue) that fires on the first message") if {
	some queue in messaging.dead_letter_queues
	not has_depth_alarm(queue)
}

has_depth_alarm(queue) if {
	some alarm in messaging.metric_alarms("AWS/SQS", "ApproximateNumberOfMessagesVisible")
	messaging.names_queue(messaging.dimension(alarm, "QueueName"), queue)
	fires_on_first_message(alarm)
}
