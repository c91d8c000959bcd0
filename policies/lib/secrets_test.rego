package lib.secrets_test

import data.lib.secrets

test_key_material if {
	secrets.key_material(concat("", ["-----BEGIN ", "PRIVATE KEY-----\nMIIE"])) == "a PEM private key"
	secrets.key_material(concat("", ["x -----BEGIN ", "OPENSSH PRIVATE KEY-----"])) == "a PEM private key"
	secrets.key_material(concat("", ["ASIA", "ABCDEFGHIJKLMNOP"])) == "an AWS access key id"
	not secrets.key_material("-----BEGIN CERTIFICATE-----")
	not secrets.key_material(concat("", ["AKIA", "ABCDEFGHIJKLMNOPQ"]))
	not secrets.key_material(concat("", ["akia", "abcdefghijklmnop"]))
}

test_credential_attribute_names if {
	every name in ["password", "master_password", "Password", "secret_string", "auth_token", "token", "access_key", "secret_key", "private_key", "client_secret"] {
		secrets.credential_attribute(name)
	}
	every name in ["password_length", "manage_master_user_password", "master_user_secret_kms_key_id", "creation_token", "token_validity", "secret_arn", 3] {
		not secrets.credential_attribute(name)
	}
}

test_secret_environment_names if {
	every name in ["DB_PASSWORD", "PASSWORD", "API_TOKEN", "client_secret", "PRIVATE_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_CREDENTIALS"] {
		secrets.secret_env_name(name)
	}
	every name in ["DB_SECRET_ARN", "SECRET_NAME", "ONPREM_CA_FILE", "TOKENIZER_MODE", "LOG_LEVEL", "PASSAGE"] {
		not secrets.secret_env_name(name)
	}
}

test_literal if {
	secrets.literal("x")
	not secrets.literal("")
	not secrets.literal("  ")
	not secrets.literal("${aws_secretsmanager_secret.s.arn}")
	not secrets.literal(true)
}

test_user_data_texts if {
	secrets.user_data_texts(base64.encode("echo hi")) == {base64.encode("echo hi"), "echo hi"}
	secrets.user_data_texts("#!/bin/bash") == {"#!/bin/bash"}
}

test_in_non_credential_block if {
	secrets.in_non_credential_block(["token_validity_units", 0, "refresh_token"])
	not secrets.in_non_credential_block(["refresh_token"])
}
