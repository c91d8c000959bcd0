# RDS-008: clients of RDS Proxy (the campaign Lambdas) connect over TLS and authenticate
# with IAM tokens, so no function holds a database password and none can talk to the
# proxy in clear text. Debug logging must stay off: it writes the text of every SQL
# statement, with the patient data in it, to the proxy's logs.
package rules.rds.proxy_tls_iam

import data.lib.cdktf
import data.lib.rds

metadata := {
	"id": "RDS-008",
	"title": "RDS Proxy requires TLS and IAM authentication and does not log SQL text",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "RDS Proxy requires TLS and IAM auth",
	"references": ["own"],
	"fix": "Create the proxy with DatabaseProxy (modules/data/rds-proxy.ts): require_tls = true, every auth block iam_auth = REQUIRED, debug_logging = false.",
}

deny contains cdktf.violation(metadata, proxy, "require_tls is not true") if {
	some proxy in cdktf.resources("aws_db_proxy")
	not rds.truthy(object.get(proxy.values, "require_tls", false))
}

deny contains cdktf.violation(metadata, proxy, sprintf("auth block %d has iam_auth %v; it must be REQUIRED", [i, object.get(auth, "iam_auth", "absent (DISABLED)")])) if {
	some proxy in cdktf.resources("aws_db_proxy")
	some i, auth in cdktf.blocks(object.get(proxy.values, "auth", null))
	object.get(auth, "iam_auth", "DISABLED") != "REQUIRED"
}

# Without auth blocks clients authenticate with IAM only under end-to-end IAM authentication.
deny contains cdktf.violation(metadata, proxy, "no auth block and default_auth_scheme is not IAM_AUTH: nothing requires IAM authentication of clients") if {
	some proxy in cdktf.resources("aws_db_proxy")
	count(cdktf.blocks(object.get(proxy.values, "auth", null))) == 0
	object.get(proxy.values, "default_auth_scheme", "NONE") != "IAM_AUTH"
}

deny contains cdktf.violation(metadata, proxy, "debug_logging is true; it logs the text of every SQL statement, patient data included") if {
	some proxy in cdktf.resources("aws_db_proxy")
	rds.truthy(object.get(proxy.values, "debug_logging", false))
}

# The proxy a target group, target or endpoint belongs to is declared here, so the checks
# above apply to what clients connect to. A proxy that is gone while its targets remain
# would leave the cluster reached through something nothing shows requires TLS and IAM.
proxy_parts := {"aws_db_proxy_default_target_group", "aws_db_proxy_target", "aws_db_proxy_endpoint"}

declared_proxy(name) if {
	some proxy in cdktf.resources("aws_db_proxy")
	cdktf.refers_to(name, proxy)
}

declared_proxy(name) if {
	not cdktf.is_ref(name)
	some proxy in cdktf.resources("aws_db_proxy")
	object.get(proxy.values, "name", null) == name
}

deny contains cdktf.violation(metadata, part, sprintf("db_proxy_name %v names no aws_db_proxy of this configuration, so nothing shows the proxy in front of the database requires TLS and IAM auth", [object.get(part.values, "db_proxy_name", "absent")])) if {
	some type in proxy_parts
	some part in cdktf.resources(type)
	not declared_proxy(object.get(part.values, "db_proxy_name", null))
}
