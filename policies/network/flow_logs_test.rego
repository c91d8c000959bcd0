package rules.network.flow_logs_test

import data.rules.network.flow_logs

vpc := {"//": {"metadata": {"path": "dev-network/vpc/vpc"}}, "cidr_block": "10.20.0.0/16"}

with_flow_log(log) := {"resource": {"aws_vpc": {"main": vpc}, "aws_flow_log": {"log": log}}}

full_log := {
	"vpc_id": "${aws_vpc.main.id}",
	"traffic_type": "ALL",
	"log_destination_type": "cloud-watch-logs",
	"log_destination": "${aws_cloudwatch_log_group.flow.arn}",
}

fails_on_vpc(doc) if {
	result := flow_logs.deny with input as doc
	some v in result
	v.rule_id == "NET-001"
	v.address == "aws_vpc.main"
	v.resource_path == "dev-network/vpc/vpc"
}

test_pass_all_traffic_to_a_destination if {
	count(flow_logs.deny) == 0 with input as with_flow_log(full_log)
}

test_pass_legacy_log_group_name if {
	log := json.patch(full_log, [{"op": "remove", "path": "/log_destination"}, {"op": "add", "path": "/log_group_name", "value": "/vpc/flow"}])
	count(flow_logs.deny) == 0 with input as with_flow_log(log)
}

test_fail_no_flow_log if {
	fails_on_vpc({"resource": {"aws_vpc": {"main": vpc}}})
}

test_fail_rejected_traffic_only if {
	fails_on_vpc(with_flow_log(object.union(full_log, {"traffic_type": "REJECT"})))
}

test_fail_no_destination if {
	fails_on_vpc(with_flow_log(object.remove(full_log, ["log_destination"])))
}

test_fail_flow_log_of_another_vpc if {
	fails_on_vpc(with_flow_log(object.union(full_log, {"vpc_id": "${aws_vpc.other.id}"})))
}
