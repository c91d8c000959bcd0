# Helpers shared by the DMS rules (DMS-001..DMS-007): booleans as Terraform accepts them,
# the replication task settings JSON, and which endpoint engines log in to a database.
package lib.dms

import data.lib.cdktf

# Terraform accepts booleans as JSON booleans or as the strings "true"/"false".
truthy(x) if x == true

truthy(x) if x == "true"

falsy(x) if x == false

falsy(x) if x == "false"

# The replication_task_settings of a task as an object; {} when absent, not JSON or not an object.
task_settings(task) := settings if {
	raw := object.get(task.values, "replication_task_settings", null)
	is_string(raw)
	json.is_valid(raw)
	settings := json.unmarshal(raw)
	is_object(settings)
} else := {}

# Engines whose endpoints log in to a database with a user name and password (as opposed to
# S3, Kinesis, Kafka, DynamoDB, OpenSearch, Neptune, which use the endpoint's service role).
credential_engines := {
	"mysql", "mariadb", "aurora", "aurora-postgresql", "aurora-serverless", "aurora-postgresql-serverless",
	"postgres", "oracle", "sqlserver", "azuredb", "azure-sql-managed-instance", "babelfish",
	"db2", "db2-zos", "sybase", "docdb", "mongodb", "redshift", "redshift-serverless", "redis",
}

uses_database_credentials(endpoint) if lower(object.get(endpoint.values, "engine_name", "")) in credential_engines

# A DMS certificate: a reference to an aws_dms_certificate of this document (or a cross-stack
# output of one), or a literal DMS certificate ARN.
is_dms_certificate(s) if {
	cdktf.is_ref(s)
	contains(s, "aws_dms_certificate")
}

is_dms_certificate(s) if {
	is_string(s)
	regex.match(`^arn:aws[a-z-]*:dms:[a-z0-9-]+:[0-9]{12}:cert:[A-Za-z0-9-]+$`, s)
}
