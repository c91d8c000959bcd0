# NET-005: every network ACL protects at least one subnet.
# A detached NACL looks like protection in review but filters nothing; usually it means the
# subnets it was written for fell back to the default NACL.
package rules.network.nacl_attached

import data.lib.cdktf

metadata := {
	"id": "NET-005",
	"title": "Every network ACL is attached to a subnet",
	"severity": "medium",
	"hipaa": ["A", "T"],
	"control": "every NACL is attached to a subnet; no 0.0.0.0/0 ingress to 22, 3389, 20/21, or all ports",
	"references": ["ckv:CKV2_AWS_1"],
	"fix": "Attach the NACL to its tier's subnets (subnet_ids, as TierNacls does) or remove it.",
}

deny contains cdktf.violation(metadata, acl, "is attached to no subnet (no subnet_ids and no aws_network_acl_association)") if {
	some acl in cdktf.resources("aws_network_acl")
	count(cdktf.as_array(object.get(acl.values, "subnet_ids", []))) == 0
	not associated(acl)
}

associated(acl) if {
	some assoc in cdktf.resources("aws_network_acl_association")
	cdktf.refers_to(assoc.values.network_acl_id, acl)
}
