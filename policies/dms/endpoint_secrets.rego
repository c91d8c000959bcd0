# DMS-006: DMS endpoints that log in to a database take their credentials from Secrets
# Manager (secrets_manager_arn) through a role (secrets_manager_access_role_arn), so the
# password is rotated and never sits in the configuration or the Terraform state. A user
# name or password in the endpoint (at the top or in any *_settings block) fails, whether
# literal or referenced: either way it lands in the state.
package rules.dms.endpoint_secrets

import data.lib.cdktf
import data.lib.dms

metadata := {
	"id": "DMS-006",
	"title": "DMS database endpoints read their credentials from Secrets Manager, never from the configuration",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "replication instance not public, KMS, multi-AZ in prod, auto minor upgrade; endpoints use SSL (verify-full) and Secrets Manager",
	"references": ["own"],
	"fix": "Create endpoints with DatabaseMigration (modules/data/migration.ts): secrets_manager_arn = a DatabaseCredentialsSecret, secrets_manager_access_role_arn = its read-only role, and no username or password.",
}

deny contains cdktf.violation(metadata, endpoint, sprintf("%s is not set; the endpoint must read its credentials from Secrets Manager", [attribute])) if {
	some endpoint in cdktf.resources("aws_dms_endpoint")
	dms.uses_database_credentials(endpoint)
	some attribute in ["secrets_manager_arn", "secrets_manager_access_role_arn"]
	not cdktf.non_empty_string(object.get(endpoint.values, attribute, null))
}

deny contains cdktf.violation(metadata, endpoint, sprintf("%s is set in the configuration; credentials belong in the Secrets Manager secret only", [concat(".", [sprintf("%v", [p]) | some p in path])])) if {
	some endpoint in cdktf.resources("aws_dms_endpoint")
	walk(endpoint.values, [path, value])
	count(path) > 0
	key := path[count(path) - 1]
	is_string(key)
	credential_key(key)
	value != null
	value != ""
}

credential_key(key) if contains(lower(key), "password")

credential_key(key) if lower(key) in {"username", "user_name", "auth_user_name"}
