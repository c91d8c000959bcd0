package rules.secrets.no_literal_credentials_test

import data.rules.secrets.no_literal_credentials as rule

function(variables) := {"resource": {"aws_lambda_function": {"fn_1": {
	"//": {"metadata": {"path": "dev-data/credential-rotation/function/function"}},
	"function_name": "medicare-dev-rotate-mysql-credentials",
	"environment": {"variables": variables},
}}}}

fails_with(d, path, fragment) if {
	some v in rule.deny with input as d
	v.rule_id == "SEC-002"
	v.resource_path == path
	contains(v.msg, fragment)
}

test_pass_references_and_plain_configuration if {
	count(rule.deny) == 0 with input as function({"ONPREM_CA_FILE": "onprem-ca.pem", "DB_SECRET_ARN": "${aws_secretsmanager_secret.s.arn}", "LOG_LEVEL": "INFO"})
	count(rule.deny) == 0 with input as {"resource": {
		"aws_secretsmanager_secret_version": {"v": {"secret_string": "${random_password.p.result}"}},
		"aws_rds_cluster": {"c": {"manage_master_user_password": true, "master_user_secret_kms_key_id": "${aws_kms_key.k.arn}"}},
		"aws_efs_file_system": {"f": {"creation_token": "medicare-dev-files"}},
	}}
}

test_fail_literal_password_attributes if {
	fails_with({"resource": {"aws_rds_cluster": {"c": {"//": {"metadata": {"path": "dev-data/aurora/cluster"}}, "master_password": "hunter2hunter2"}}}}, "dev-data/aurora/cluster", "master_password holds a literal value")
	fails_with({"resource": {"aws_dms_endpoint": {"e": {"password": "Sup3rSecret!"}}}}, "aws_dms_endpoint.e", "password")
	fails_with({"resource": {"aws_secretsmanager_secret_version": {"v": {"secret_string": "{\"password\":\"x\"}"}}}}, "aws_secretsmanager_secret_version.v", "secret_string")
}

test_fail_nested_credential if {
	fails_with({"resource": {"aws_mq_broker": {"b": {"user": [{"username": "admin", "password": "literal-broker-password"}]}}}}, "aws_mq_broker.b", "user.0.password")
}

test_fail_provider_and_backend_credentials if {
	fails_with({"provider": {"aws": [{"region": "eu-west-2", "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}]}}, "provider.aws[0]", "secret_key")
	fails_with({"terraform": {"backend": {"s3": {"bucket": "b", "access_key": "literal"}}}}, "terraform.backend.s3", "access_key")
}

test_fail_secret_named_environment_variable if {
	fails_with(function({"DB_PASSWORD": "hunter2hunter2"}), "dev-data/credential-rotation/function/function", "environment variable DB_PASSWORD")
	fails_with(function({"API_TOKEN": "abc123abc123"}), "dev-data/credential-rotation/function/function", "API_TOKEN")
}

test_pass_secret_named_variable_holding_a_reference_is_left_to_the_construct if {
	# A reference is not a literal credential in the configuration (NodeFunction still refuses the name).
	count(rule.deny) == 0 with input as function({"DB_PASSWORD_ARN": "${aws_secretsmanager_secret.s.arn}"})
}

test_fail_user_data_assignment_plain_and_base64 if {
	fails_with({"resource": {"aws_instance": {"i": {"user_data": "#!/bin/bash\nexport DB_PASSWORD=hunter2hunter2\n"}}}}, "aws_instance.i", "user_data assigns a credential")
	encoded := base64.encode("#!/bin/bash\nmysql --password=hunter2hunter2\n")
	fails_with({"resource": {"aws_launch_template": {"t": {"user_data": encoded}}}}, "aws_launch_template.t", "user_data assigns a credential")
}

test_pass_user_data_fetching_the_secret if {
	count(rule.deny) == 0 with input as {"resource": {"aws_instance": {"i": {"user_data": "#!/bin/bash\nDB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id x)\n"}}}}
}

test_pass_cognito_token_validity_units if {
	count(rule.deny) == 0 with input as {"resource": {"aws_cognito_user_pool_client": {"c": {"token_validity_units": [{"access_token": "minutes", "id_token": "minutes", "refresh_token": "hours"}]}}}}
}

test_fail_token_outside_the_units_block if {
	fails_with({"resource": {"aws_amplify_app": {"a": {"access_token": "ghp_0123456789abcdef", "token_validity_units": [{"access_token": "minutes"}]}}}}, "aws_amplify_app.a", "access_token holds a literal value")
}
