# COG-003: a Cognito app client sends people, and their authorization codes, back only to
# this environment's own web hosts over HTTPS (policies/data/principal_allowlist.json
# web_hosts: the staff app and the patient forms, from the config). A callback URL on any other
# host, http://, localhost or a wildcard hands the code to whoever runs it. The flows, scopes
# and token lifetimes are bounded in policies/data/bounds.json (BND-001).
package rules.cognito.app_clients_return_home

import data.lib.cdktf
import data.lib.principals

metadata := {
	"id": "COG-003",
	"title": "Cognito app clients return only to the environment's own HTTPS hosts",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "app clients return only to the configured HTTPS hosts (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Build the URLs from env.edge.appHostname / formsHostname (modules/edge/cognito.ts); a new host is a config change, regenerated into the allowlist.",
}

url_attributes := ["callback_urls", "logout_urls", "default_redirect_uri"]

host(url) := parts[0] if {
	startswith(url, "https://")
	parts := split(substring(url, 8, -1), "/")
}

deny contains cdktf.violation(metadata, client, sprintf("%s includes %q, which is not https:// on %v", [attribute, url, principals.allowlist.web_hosts])) if {
	principals.allowlist
	some client in cdktf.resources("aws_cognito_user_pool_client")
	some attribute in url_attributes
	some url in cdktf.as_array(object.get(client.values, attribute, []))
	not returns_home(url)
}

returns_home(url) if host(url) in principals.allowlist.web_hosts
