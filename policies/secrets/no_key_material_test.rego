package rules.secrets.no_key_material_test

import data.rules.secrets.no_key_material as rule

# Assembled so that this file itself holds no key material for scanners to trip on.
pem_header := concat("", ["-----BEGIN ", "RSA PRIVATE", " KEY-----"])

access_key_id := concat("", ["AKIA", "IOSFODNN7", "EXAMPLE"])

fails_with(d, path, fragment) if {
	some v in rule.deny with input as d
	v.rule_id == "SEC-003"
	v.resource_path == path
	contains(v.msg, fragment)
}

test_pass_certificates_and_ordinary_strings if {
	count(rule.deny) == 0 with input as {"resource": {
		"aws_dms_certificate": {"c": {"certificate_pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}},
		"aws_iam_role": {"r": {"name": "MEDICAREAKIAROLE", "description": "ASIA region note"}},
	}}
}

test_fail_private_key_in_any_attribute if {
	fails_with({"resource": {"aws_lambda_function": {"f": {"//": {"metadata": {"path": "dev-data/fn/function"}}, "tags": {"note": concat("\n", [pem_header, "MIIE..."])}}}}}, "dev-data/fn/function", "tags.note holds a PEM private key")
}

test_fail_access_key_id_anywhere if {
	fails_with({"resource": {"aws_ssm_parameter": {"p": {"value": sprintf("key=%s;", [access_key_id])}}}}, "aws_ssm_parameter.p", "an AWS access key id")
	fails_with({"provider": {"aws": [{"access_key": access_key_id}]}}, "provider.aws.0", "an AWS access key id")
	fails_with({"locals": {"k": access_key_id}}, "locals.k", "an AWS access key id")
}

test_fail_key_in_base64_user_data if {
	fails_with({"resource": {"aws_launch_template": {"t": {"user_data": base64.encode(concat("\n", [pem_header, "MIIE"]))}}}}, "aws_launch_template.t", "user_data (decoded) holds a PEM private key")
}

test_fail_id_must_stand_alone if {
	count(rule.deny) == 0 with input as {"resource": {"aws_s3_bucket": {"b": {"bucket": concat("", ["X", access_key_id])}}}}
}
