# PRN-001: a stack names only the accounts, principals and regions its environment's
# allowlist (policies/data/principal_allowlist.json, generated from the typed config) allows:
# its own account anywhere; an allowlisted account only on the resource types its entry
# names (the organization stack: the security account in delegation resources, the
# environments' accounts in Identity Center account assignments); the region's ELB log-delivery account in the access-log bucket policy; the primary, backup and
# edge regions; the configured alarm and staff addresses as topic subscribers. Any other
# account id, principal, ARN account or wildcard account fails, wherever it appears: trust and
# resource policies (bucket, queue, topic, secret, key, vault, endpoint), identity policies,
# KMS grants, Lambda permissions (principal, source_account, source_arn), layers, topic
# subscriptions, peering. Deny statements are judged too: a Deny scoped to another account's
# resources or principals protects nothing here, and another account among a Deny's negated
# condition values (StringNotEquals aws:PrincipalAccount) is an exception that lets it in.
package rules.principals.accounts_allowlisted

import data.lib.cdktf
import data.lib.principals

metadata := {
	"id": "PRN-001",
	"title": "Only allowlisted accounts, principals, regions and subscribers are named anywhere",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "every account, principal, ARN account and region a stack names is its environment's own or allowlisted; topics deliver only to configured addresses (added row, docs/policy-data.md)",
	"references": ["ckv:CKV_AWS_60", "ckv:CKV_AWS_61", "own"],
	"fix": "Name only this environment's account (and the allowlisted accounts where they belong). A new trusted account, region or subscriber is a config change (modules/config/environments.ts) followed by `npx tsx scripts/platform/gen-principal-allowlist.ts`, reviewed as a diff of policies/data/principal_allowlist.json.",
}

stack_resource := {"type": "stack", "name": principals.environment, "address": "stack", "path": object.get(input, ["//", "metadata", "stackName"], "stack"), "values": {}}

deny contains cdktf.violation(metadata, stack_resource, sprintf("environment %q has no entry in policies/data/principal_allowlist.json; add it to the config and regenerate the allowlist", [principals.environment])) if {
	count(object.get(input, "resource", {})) > 0
	not principals.allowlist
}

# Outside policy documents: every standalone account id and every ARN of the resource.
deny contains cdktf.violation(metadata, resource, msg) if {
	principals.allowlist
	some [resource, docs] in principals.parsed
	text := principals.other_text(resource, docs)
	some msg in text_problems(resource, text, "")
}

# Inside policy documents: the principals, resources and condition values of Allow statements.
deny contains cdktf.violation(metadata, resource, msg) if {
	principals.allowlist
	some [resource, key, doc] in principals.all_documents
	some i, stmt in cdktf.statements(doc)
	object.get(stmt, "Effect", "") != "Deny"
	some s in principals.statement_strings(stmt)
	some msg in text_problems(resource, as_text(s), sprintf("%s statement %v: ", [key, object.get(stmt, "Sid", i)]))
}

# Deny statements: an account or region outside the allowlist in what the Deny covers
# (principals, resources) narrows it to something that is not here; in its condition values it
# is an exception that lets that account through. A wildcard account only widens what a Deny
# covers, so it is judged in the conditions alone.
deny contains cdktf.violation(metadata, resource, msg) if {
	principals.allowlist
	some [resource, key, doc] in principals.all_documents
	some i, stmt in cdktf.statements(doc)
	object.get(stmt, "Effect", "") == "Deny"
	where := sprintf("%s Deny statement %v: ", [key, object.get(stmt, "Sid", i)])
	some msg in deny_problems(resource, stmt, where)
}

deny_problems(resource, stmt, where) := {msg |
	some s in principals.fields_strings(stmt, ["Principal", "NotPrincipal", "Resource", "NotResource"])
	text := as_text(s)
	some msg in account_problems(resource, text, where) | region_problems(text, where)
} | {msg |
	some s in principals.fields_strings(stmt, ["Condition"])
	text := as_text(s)
	some msg in (account_problems(resource, text, where) | region_problems(text, where)) | condition_wildcards(resource, text, where)
}

# A service control policy applies only to the organization's own accounts, so an exception
# for a role name in any account (`arn:aws:iam::*:role/deployment`) excepts only that role of
# each member account; elsewhere a wildcard account in an exception excepts everyone.
condition_wildcards(resource, text, where) := set() if {
	resource.type == "aws_organizations_policy"
} else := wildcard_account_problems(text, where)

# Topics deliver to the configured addresses, or to resources (functions, queues) by ARN.
deny contains cdktf.violation(metadata, subscription, sprintf("delivers %s to %q, which the config does not name (alarmEmail, campaign.operationsEmail, campaign.staffEmail)", [protocol, endpoint])) if {
	principals.allowlist
	some subscription in cdktf.resources("aws_sns_topic_subscription")
	protocol := object.get(subscription.values, "protocol", "")
	not protocol in {"lambda", "sqs", "firehose"}
	endpoint := object.get(subscription.values, "endpoint", "")
	not endpoint in principals.allowlist.subscription_endpoints
}

deny contains cdktf.violation(metadata, subscription, sprintf("delivers %s to %q, which is neither a resource of this configuration nor an ARN", [protocol, endpoint])) if {
	principals.allowlist
	some subscription in cdktf.resources("aws_sns_topic_subscription")
	protocol := object.get(subscription.values, "protocol", "")
	protocol in {"lambda", "sqs", "firehose"}
	endpoint := object.get(subscription.values, "endpoint", "")
	not cdktf.is_ref(endpoint)
	not startswith(endpoint, "arn:")
}

as_text(s) := s if is_string(s)

as_text(s) := format_int(s, 10) if is_number(s)

as_text(s) := sprintf("%v", [s]) if is_boolean(s)

text_problems(resource, text, where) := (account_problems(resource, text, where) | wildcard_account_problems(text, where)) | region_problems(text, where)

account_problems(resource, text, where) := {sprintf("%snames account %s, which the allowlist does not allow on %s", [where, account, resource.type]) |
	some account in principals.account_ids(text)
	not principals.account_allowed(account, resource.type)
}

wildcard_account_problems(text, where) := {sprintf("%snames an ARN in any account (%q): name this account", [where, account]) |
	some [_, account] in principals.arns(text)
	principals.wildcard_account(account)
}

region_problems(text, where) := {sprintf("%snames region %s, outside the environment's regions (%s)", [where, region, concat(", ", principals.allowlist.regions)]) |
	some [region, _] in principals.arns(text)
	region != ""
	not regex.match(`[*?]`, region)
	not principals.region_allowed(region)
}
