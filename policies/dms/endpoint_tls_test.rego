package rules.dms.endpoint_tls_test

import data.rules.dms.endpoint_tls as rule

doc(fields) := {"resource": {"aws_dms_endpoint": {"source": object.union(
	{
		"//": {"metadata": {"path": "dev-data/migration/source"}},
		"engine_name": "mysql",
		"endpoint_type": "source",
		"ssl_mode": "verify-full",
		"certificate_arn": "${aws_dms_certificate.onprem.certificate_arn}",
	},
	fields,
)}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "DMS-005"
	v.resource_path == "dev-data/migration/source"
}

test_pass_verify_full_with_certificate if {
	count(rule.deny) == 0 with input as doc({})
}

test_pass_literal_certificate_arn if {
	count(rule.deny) == 0 with input as doc({"certificate_arn": "arn:aws:dms:eu-west-2:111111111111:cert:OnPremCa1"})
}

test_fail_no_tls if {
	fails(doc({"ssl_mode": "none"}))
}

test_fail_tls_without_verification if {
	fails(doc({"ssl_mode": "require"}))
}

test_fail_verify_ca_only if {
	fails(doc({"ssl_mode": "verify-ca"}))
}

test_fail_ssl_mode_unset if {
	fails({"resource": {"aws_dms_endpoint": {"source": {
		"//": {"metadata": {"path": "dev-data/migration/source"}},
		"certificate_arn": "${aws_dms_certificate.onprem.certificate_arn}",
	}}}})
}

test_fail_no_certificate if {
	fails({"resource": {"aws_dms_endpoint": {"source": {
		"//": {"metadata": {"path": "dev-data/migration/source"}},
		"ssl_mode": "verify-full",
	}}}})
}

test_fail_certificate_that_is_not_a_dms_certificate if {
	fails(doc({"certificate_arn": "${aws_acm_certificate.web.arn}"}))
}
