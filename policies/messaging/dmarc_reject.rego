# MSG-004: the sending domain's DMARC policy rejects mail that fails authentication, so a
# spoofed "book your flu jab" email with a phishing link is refused rather than delivered
# (p=none only reports; quarantine files it as spam, where patients still find it). Every
# DMARC record in the stacks has p=reject (and sp=reject when it sets sp), and every SES
# sending identity has one.
package rules.messaging.dmarc_reject

import data.lib.cdktf

metadata := {
	"id": "MSG-004",
	"title": "DMARC rejects unauthenticated mail for every sending domain",
	"severity": "high",
	"hipaa": ["I"],
	"control": "the sending domain publishes DMARC p=reject (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Publish `v=DMARC1; p=reject; adkim=s; aspf=s` at _dmarc.<zone> (CampaignMessaging in modules/campaign/messaging.ts).",
}

dmarc_records contains [r, value] if {
	some r in cdktf.resources("aws_route53_record")
	upper(object.get(r.values, "type", "")) == "TXT"
	some value in cdktf.as_array(object.get(r.values, "records", []))
	startswith(upper(trim_space(value)), "V=DMARC1")
}

tags(value) := {lower(trim_space(kv[0])): lower(trim_space(kv[1])) |
	some part in split(value, ";")
	kv := split(part, "=")
	count(kv) == 2
}

deny contains cdktf.violation(metadata, r, sprintf("DMARC policy is p=%v; it must be reject", [object.get(tags(value), "p", "absent")])) if {
	some [r, value] in dmarc_records
	object.get(tags(value), "p", "") != "reject"
}

deny contains cdktf.violation(metadata, r, sprintf("DMARC subdomain policy is sp=%v; it must be reject", [tags(value).sp])) if {
	some [r, value] in dmarc_records
	tags(value).sp != "reject"
}

deny contains cdktf.violation(metadata, r, sprintf("DMARC applies to %v%% of messages; it must be 100", [tags(value).pct])) if {
	some [r, value] in dmarc_records
	to_number(tags(value).pct) < 100
}

deny contains cdktf.violation(metadata, identity, sprintf("no DMARC record at _dmarc.%v", [identity.values.email_identity])) if {
	some identity in cdktf.resources("aws_sesv2_email_identity")
	domain := identity.values.email_identity
	not contains(domain, "@")
	not has_dmarc(domain)
}

has_dmarc(domain) if {
	some [r, _] in dmarc_records
	r.values.name == sprintf("_dmarc.%s", [domain])
}
