# MSG-003: every SES domain identity signs with Easy DKIM at 2048 bits and has a custom MAIL
# FROM domain that refuses to send when its MX record is missing. Receivers can then verify
# the invitations came from us (DKIM, SPF alignment for DMARC) rather than a spoofer, and a
# broken MAIL FROM setup fails loudly instead of silently falling back to amazonses.com.
package rules.messaging.ses_domain_identity

import data.lib.cdktf

metadata := {
	"id": "MSG-003",
	"title": "SES domain identities sign with 2048-bit DKIM and use a custom MAIL FROM domain that rejects on MX failure",
	"severity": "medium",
	"hipaa": ["T", "I"],
	"control": "SES identity (ARCHITECTURE.md, campaign stack): a DKIM-signed domain with a custom MAIL FROM",
	"references": ["own"],
	"fix": "Create the identity with CampaignMessaging (modules/campaign/messaging.ts): dkim_signing_attributes.next_signing_key_length RSA_2048_BIT and an aws_sesv2_email_identity_mail_from_attributes with behavior_on_mx_failure REJECT_MESSAGE.",
}

domain_identities contains identity if {
	some identity in cdktf.resources("aws_sesv2_email_identity")
	name := object.get(identity.values, "email_identity", "")
	not contains(name, "@")
}

dkim(identity) := blocks[0] if {
	blocks := cdktf.blocks(object.get(identity.values, "dkim_signing_attributes", null))
	count(blocks) > 0
} else := {}

deny contains cdktf.violation(metadata, identity, sprintf("dkim_signing_attributes.next_signing_key_length is %v; sign with Easy DKIM at RSA_2048_BIT", [object.get(dkim(identity), "next_signing_key_length", "absent")])) if {
	some identity in domain_identities
	object.get(dkim(identity), "next_signing_key_length", null) != "RSA_2048_BIT"
}

names_identity(value, identity) if cdktf.refers_to(value, identity)

names_identity(value, identity) if {
	not cdktf.is_ref(value)
	value == object.get(identity.values, "email_identity", null)
}

deny contains cdktf.violation(metadata, identity, "has no aws_sesv2_email_identity_mail_from_attributes with a mail_from_domain and behavior_on_mx_failure REJECT_MESSAGE") if {
	some identity in domain_identities
	not custom_mail_from(identity)
}

custom_mail_from(identity) if {
	some attributes in cdktf.resources("aws_sesv2_email_identity_mail_from_attributes")
	names_identity(object.get(attributes.values, "email_identity", null), identity)
	cdktf.non_empty_string(object.get(attributes.values, "mail_from_domain", null))
	object.get(attributes.values, "behavior_on_mx_failure", null) == "REJECT_MESSAGE"
}
