package rules.messaging.dmarc_reject_test

import data.rules.messaging.dmarc_reject as rule

doc(value) := {"resource": {
	"aws_sesv2_email_identity": {"i": {"//": {"metadata": {"path": "dev-campaign/messaging/identity"}}, "email_identity": "dev.medicare.example"}},
	"aws_route53_record": {"d": {"//": {"metadata": {"path": "dev-campaign/messaging/dmarc"}}, "name": "_dmarc.dev.medicare.example", "type": "TXT", "records": [value]}},
}}

test_pass_reject if {
	count(rule.deny) == 0 with input as doc("v=DMARC1; p=reject; adkim=s; aspf=s")
}

# The class: every weaker policy, a weaker subdomain policy, a sampled policy, none at all.
test_fail_weaker_than_reject if {
	count(rule.deny) > 0 with input as doc("v=DMARC1; p=none")
	count(rule.deny) > 0 with input as doc("v=DMARC1; p=quarantine; adkim=s")
	count(rule.deny) > 0 with input as doc("v=DMARC1; p=reject; sp=none")
	count(rule.deny) > 0 with input as doc("v=DMARC1; p=reject; pct=10")
	count(rule.deny) > 0 with input as doc("v=spf1 include:amazonses.com -all")
}
