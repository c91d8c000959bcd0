# SEC-002: no credential is written into the configuration: a literal password, token or
# key in a resource attribute, a provider or backend block, a Lambda function's environment
# or an instance's user data would sit in the repository, the synthesized JSON and the
# Terraform state, readable by everyone who can read those, and would never rotate.
# Credentials live in Secrets Manager and are referenced by ARN.
package rules.secrets.no_literal_credentials

import data.lib.cdktf
import data.lib.secrets

metadata := {
	"id": "SEC-002",
	"title": "No literal credential in any resource attribute, provider block, Lambda environment or user data",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "no literal credential in any resource attribute, user data or Lambda environment",
	"references": ["ckv:CKV_AWS_45", "ckv:CKV_AWS_46", "own"],
	"fix": "Keep the credential in a Secrets Manager secret (DatabaseCredentialsSecret, or an RDS-managed secret) and pass its ARN; never write the value into the code.",
}

# Attributes named like a credential (password, master_password, secret_string, token, ...)
# with a literal value, at any depth of a resource.
deny contains cdktf.violation(metadata, resource, sprintf("%s holds a literal value; a credential must come from Secrets Manager", [secrets.attribute_path(path)])) if {
	some resource in cdktf.all_resources

	# walk() inline, literal first: building the set of every (path, value) of the document
	# and testing names before values made this the slowest rule of the suite.
	walk(resource.values, [path, value])
	secrets.literal(value)
	path[0] != "//"
	secrets.credential_attribute(path[count(path) - 1])
	not secrets.in_non_credential_block(path)
}

# The same in provider blocks, the backend and data sources (access_key, secret_key, token).
deny contains cdktf.violation(metadata, block.reported, sprintf("%s holds a literal value; use the default credential chain or a role", [secrets.attribute_path(path)])) if {
	some block in secrets.config_blocks
	some [path, value] in flatten(block.body)
	secrets.credential_attribute(path[count(path) - 1])
	secrets.literal(value)
}

# Lambda environment variables whose names announce a secret (DB_PASSWORD, API_TOKEN).
deny contains cdktf.violation(metadata, function, sprintf("environment variable %s holds a literal value; pass the ARN of a Secrets Manager secret instead", [name])) if {
	some function in cdktf.resources("aws_lambda_function")
	some environment in cdktf.blocks(object.get(function.values, "environment", null))
	some name, value in object.get(environment, "variables", {})
	secrets.secret_env_name(name)
	secrets.literal(value)
}

# Credentials assigned in instance or launch-template user data.
deny contains cdktf.violation(metadata, resource, sprintf("%s assigns a credential literally; fetch it from Secrets Manager at boot", [attribute])) if {
	some type in ["aws_instance", "aws_launch_template", "aws_launch_configuration"]
	some resource in cdktf.resources(type)
	some attribute in ["user_data", "user_data_base64"]
	some text in secrets.user_data_texts(object.get(resource.values, attribute, null))
	regex.match(secrets.user_data_assignment_pattern, text)
}

# Every (path, value) of a nested value, skipping cdktf's "//" metadata.
flatten(values) := {[path, value] |
	walk(values, [path, value])
	count(path) > 0
	path[0] != "//"
	not is_object(value)
	not is_array(value)
}
