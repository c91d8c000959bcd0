# NET-001: every VPC records ALL of its traffic in a flow log.
# ACCEPT records show what left the network; REJECT records show probing. An audit trail
# of network access (HIPAA 164.312(b)) needs both, so REJECT-only or ACCEPT-only logs fail.
package rules.network.flow_logs

import data.lib.cdktf

metadata := {
	"id": "NET-001",
	"title": "Every VPC has a flow log capturing ALL traffic",
	"severity": "high",
	"hipaa": ["A", "L"],
	"control": "every VPC has a flow log capturing ALL traffic",
	"references": ["nag:VPCFlowLogsEnabled", "ckv:CKV2_AWS_11"],
	"fix": "Give the VPC a VpcFlowLog (modules/network/flow-log.ts) with trafficType ALL and a log destination.",
}

deny contains cdktf.violation(metadata, vpc, "no aws_flow_log with traffic_type ALL and a log destination references this VPC") if {
	some vpc in cdktf.resources("aws_vpc")
	not has_complete_flow_log(vpc)
}

has_complete_flow_log(vpc) if {
	some log in cdktf.resources("aws_flow_log")
	cdktf.refers_to(log.values.vpc_id, vpc)
	log.values.traffic_type == "ALL"
	has_destination(log.values)
}

has_destination(values) if cdktf.non_empty_string(values.log_destination)

# log_group_name is the provider's older way to name a CloudWatch Logs destination.
has_destination(values) if cdktf.non_empty_string(values.log_group_name)
