# NET-002: the default security group of every VPC is adopted and emptied.
# Anything launched without an explicit group lands in the default one; if it has rules
# (AWS creates it with allow-all egress and allow-from-itself ingress), that resource is
# reachable and can reach out without anyone having decided so.
package rules.network.default_sg_closed

import data.lib.cdktf

metadata := {
	"id": "NET-002",
	"title": "Default security group has no rules",
	"severity": "high",
	"hipaa": ["T"],
	"control": "default security group has no rules",
	"references": ["nag:VPCDefaultSecurityGroupClosed", "ckv:CKV2_AWS_12"],
	"fix": "Adopt the VPC's default security group with an aws_default_security_group whose ingress and egress are both [] (as TieredVpc does), and attach no rules to it.",
}

# Every VPC adopts its default SG with ingress and egress explicitly empty. Leaving the
# attributes out would leave the rules AWS created in place.
deny contains cdktf.violation(metadata, vpc, "no aws_default_security_group with ingress = [] and egress = [] adopts this VPC's default security group") if {
	some vpc in cdktf.resources("aws_vpc")
	not closed_default_sg(vpc)
}

closed_default_sg(vpc) if {
	some sg in cdktf.resources("aws_default_security_group")
	cdktf.refers_to(sg.values.vpc_id, vpc)
	sg.values.ingress == []
	sg.values.egress == []
}

# Any default SG with inline rules, whatever VPC it belongs to.
deny contains cdktf.violation(metadata, sg, sprintf("the default security group has %d %s rule(s); it must have none", [n, direction])) if {
	some sg in cdktf.resources("aws_default_security_group")
	some direction in ["ingress", "egress"]
	n := count(cdktf.blocks(object.get(sg.values, direction, null)))
	n > 0
}

# Standalone rules attached to a default SG.
deny contains cdktf.violation(metadata, rule, "adds a rule to a VPC's default security group") if {
	some type in ["aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]
	some rule in cdktf.resources(type)
	is_default_sg(rule.values.security_group_id)
}

is_default_sg(id) if cdktf.ref_type(id) == "aws_default_security_group"

is_default_sg(id) if regex.match(`^\$\{aws_vpc\.[A-Za-z0-9_-]+\.default_security_group_id\}$`, id)
