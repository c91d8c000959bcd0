# RDS-002: every Aurora cluster refuses connections without TLS. The setting lives in the
# cluster parameter group (require_secure_transport for MySQL, rds.force_ssl for
# PostgreSQL), so the rule follows the cluster's reference to that group. AWS's default
# group leaves it off, so a cluster whose group is not declared in the stack fails too.
package rules.rds.tls_required

import data.lib.cdktf
import data.lib.rds

metadata := {
	"id": "RDS-002",
	"title": "Aurora clusters require TLS for every connection",
	"severity": "high",
	"hipaa": ["T"],
	"control": "TLS required (cluster parameter `require_secure_transport = ON`)",
	"references": ["own"],
	"fix": "Give the cluster a declared cluster parameter group with require_secure_transport = ON (AuroraDatabase in modules/data/aurora.ts does).",
}

deny contains cdktf.violation(metadata, cluster, problem(cluster)) if {
	some cluster in rds.aurora_clusters
	not tls_enforced(cluster)
}

tls_enforced(cluster) if {
	group := rds.cluster_parameter_group(cluster)
	upper(rds.parameter(group, tls_parameter(cluster))) in {"ON", "1"}
}

tls_parameter(cluster) := "rds.force_ssl" if {
	rds.is_postgresql_family(cluster)
} else := "require_secure_transport"

problem(cluster) := msg if {
	group := rds.cluster_parameter_group(cluster)
	msg := sprintf("cluster parameter group %s sets %s to %q; it must be ON", [group.address, tls_parameter(cluster), rds.parameter(group, tls_parameter(cluster))])
} else := sprintf("db_cluster_parameter_group_name is %v, which names no cluster parameter group of this stack; AWS's default group leaves %s off", [object.get(cluster.values, "db_cluster_parameter_group_name", "absent"), tls_parameter(cluster)])
