# Helpers for the Lambda rules (LAM-xxx): how other resources point at a function, and what
# a function's role and environment say about what it reaches.
package lib.lambda

import data.lib.cdktf

# `value` names the function: a reference to any of its attributes (function_name, arn,
# qualified_arn, ...) or its literal function_name.
names_function(value, function) if cdktf.refers_to(value, function)

names_function(value, function) if {
	name := object.get(function.values, "function_name", null)
	cdktf.non_empty_string(name)
	value == name
}

# The aws_iam_role a function runs as, when declared in this document.
role_of(function) := cdktf.target(object.get(function.values, "role", null))

# The statements of every inline policy of the function's role.
role_statements(function) := [statement |
	role := role_of(function)
	some policy in cdktf.resources("aws_iam_role_policy")
	cdktf.refers_to(object.get(policy.values, "role", null), role)
	some statement in cdktf.statements(object.get(policy.values, "policy", null))
]

# Resource types of the database tier; a reference to one means the function connects to it.
database_types := {"aws_rds_cluster", "aws_rds_cluster_instance", "aws_db_instance", "aws_db_proxy", "aws_db_proxy_endpoint"}

# Types whose names start like a database type but that nobody connects to.
not_connectable := {
	"aws_rds_cluster_parameter_group": "", "aws_rds_cluster_role_association": "", "aws_db_parameter_group": "",
	"aws_db_subnet_group": "", "aws_db_proxy_target": "", "aws_db_proxy_default_target_group": "",
	"aws_db_instance_role_association": "",
}

# A reference (local, or cross-stack: cdktf names a cross-stack output after the resource it
# exports, "...outputs.cross-stack-output-aws_db_proxy<path><attribute>}") to a database resource.
database_reference(value) if {
	cdktf.is_ref(value)
	stripped := strings.replace_n(not_connectable, value)
	some type in database_types
	contains(stripped, type)
}

# Why a function reaches the database, by convention (what can be read from the document):
# its environment points at a database resource, its role may sign in with IAM database
# authentication, or it rotates a secret (rotation functions change database passwords).
reaches_database(function) := "its environment references a database resource" if {
	some environment in cdktf.blocks(object.get(function.values, "environment", null))
	some _, value in object.get(environment, "variables", {})
	database_reference(value)
} else := "its role may connect with rds-db:connect" if {
	some statement in role_statements(function)
	object.get(statement, "Effect", "Allow") == "Allow"
	some action in cdktf.as_array(object.get(statement, "Action", []))
	lower(action) in {"rds-db:connect", "rds-db:*"}
} else := "it rotates a Secrets Manager secret" if {
	some rotation in cdktf.resources("aws_secretsmanager_secret_rotation")
	names_function(object.get(rotation.values, "rotation_lambda_arn", null), function)
}
