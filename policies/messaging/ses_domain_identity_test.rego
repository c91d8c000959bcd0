package rules.messaging.ses_domain_identity_test

import data.rules.messaging.ses_domain_identity as rule

doc := {"resource": {
	"aws_sesv2_email_identity": {"domain": {"email_identity": "dev.medicare.example", "dkim_signing_attributes": {"next_signing_key_length": "RSA_2048_BIT"}}},
	"aws_sesv2_email_identity_mail_from_attributes": {"domain": {
		"email_identity": "${aws_sesv2_email_identity.domain.email_identity}",
		"mail_from_domain": "mail.dev.medicare.example",
		"behavior_on_mx_failure": "REJECT_MESSAGE",
	}},
}}

patched(ops) := json.patch(doc, ops)

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "MSG-003"
	v.address == "aws_sesv2_email_identity.domain"
}

test_pass_dkim_and_mail_from if {
	count(rule.deny) == 0 with input as doc
}

test_pass_email_address_identity_is_not_a_domain if {
	d := {"resource": {"aws_sesv2_email_identity": {"person": {"email_identity": "ops@medicare.example"}}}}
	count(rule.deny) == 0 with input as d
}

test_pass_literal_identity_name if {
	count(rule.deny) == 0 with input as patched([{"op": "replace", "path": "/resource/aws_sesv2_email_identity_mail_from_attributes/domain/email_identity", "value": "dev.medicare.example"}])
}

test_fail_no_dkim_attributes if {
	fails(patched([{"op": "remove", "path": "/resource/aws_sesv2_email_identity/domain/dkim_signing_attributes"}]))
}

test_fail_1024_bit_dkim if {
	fails(patched([{"op": "replace", "path": "/resource/aws_sesv2_email_identity/domain/dkim_signing_attributes/next_signing_key_length", "value": "RSA_1024_BIT"}]))
}

test_fail_no_mail_from if {
	fails(patched([{"op": "remove", "path": "/resource/aws_sesv2_email_identity_mail_from_attributes"}]))
}

test_fail_mail_from_falls_back_on_mx_failure if {
	fails(patched([{"op": "replace", "path": "/resource/aws_sesv2_email_identity_mail_from_attributes/domain/behavior_on_mx_failure", "value": "USE_DEFAULT_VALUE"}]))
}

test_fail_mail_from_for_another_identity if {
	fails(patched([{"op": "replace", "path": "/resource/aws_sesv2_email_identity_mail_from_attributes/domain/email_identity", "value": "${aws_sesv2_email_identity.other.email_identity}"}]))
}
