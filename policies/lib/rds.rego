# Helpers shared by the RDS rules (RDS-001..RDS-008): Aurora clusters, their instances and
# their parameter groups, followed through references the way cdktf writes them.
package lib.rds

import data.lib.cdktf

# Terraform accepts booleans as JSON booleans or as the strings "true"/"false".
truthy(x) if x == true

truthy(x) if x == "true"

# Every Aurora cluster of the document (aws_rds_cluster also models Multi-AZ DB clusters of
# RDS for MySQL/PostgreSQL; those have engine "mysql"/"postgres" and no cluster instances).
aurora_clusters contains cluster if {
	some cluster in cdktf.resources("aws_rds_cluster")
	startswith(object.get(cluster.values, "engine", "aurora"), "aurora")
}

# Engine families by their TLS / audit parameters.
is_mysql_family(cluster) if object.get(cluster.values, "engine", "aurora") in {"aurora", "aurora-mysql"}

is_postgresql_family(cluster) if object.get(cluster.values, "engine", "") == "aurora-postgresql"

# The aws_rds_cluster_instance resources that belong to `cluster`: their cluster_identifier
# references the cluster (its id or cluster_identifier), or names it literally.
instances_of(cluster) := {instance |
	some instance in cdktf.resources("aws_rds_cluster_instance")
	belongs_to(instance, cluster)
}

belongs_to(instance, cluster) if cdktf.refers_to(instance.values.cluster_identifier, cluster)

belongs_to(instance, cluster) if {
	not cdktf.is_ref(instance.values.cluster_identifier)
	instance.values.cluster_identifier == cluster.values.cluster_identifier
}

# The cluster an instance belongs to, when the document declares it.
cluster_of(instance) := cluster if {
	some cluster in cdktf.resources("aws_rds_cluster")
	belongs_to(instance, cluster)
}

# The aws_rds_cluster_parameter_group a cluster uses, when the document declares it: the
# one its db_cluster_parameter_group_name references, or the one with that literal name.
# Undefined for AWS's default group (which leaves TLS and auditing off) or one declared elsewhere.
cluster_parameter_group(cluster) := group if {
	ref := cluster.values.db_cluster_parameter_group_name
	cdktf.is_ref(ref)
	group := cdktf.target(ref)
	group.type == "aws_rds_cluster_parameter_group"
}

cluster_parameter_group(cluster) := group if {
	name := cluster.values.db_cluster_parameter_group_name
	not cdktf.is_ref(name)
	some group in cdktf.resources("aws_rds_cluster_parameter_group")
	object.get(group.values, "name", "") == name
}

# The value of a parameter in a parameter group, as a string ("" when the group does not set it).
parameter(group, name) := value if {
	values := [sprintf("%v", [p.value]) |
		some p in cdktf.blocks(object.get(group.values, "parameter", null))
		lower(object.get(p, "name", "")) == lower(name)
	]
	count(values) > 0
	value := values[count(values) - 1]
} else := ""

# A setting of an instance, or the cluster's when the instance leaves it unset (Aurora
# applies cluster-level monitoring and Performance Insights to every instance).
effective(instance, key) := value if {
	value := instance.values[key]
	value != null
} else := value if {
	value := cluster_of(instance).values[key]
	value != null
} else := null
