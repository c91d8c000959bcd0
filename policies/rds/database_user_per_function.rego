# RDS-009: each function signs in to the database as its own user, whose grants the migrations
# derive from the function's SQL (issue 18). A function's role may use rds-db:connect only on
# the user named in its own DB_USER, which is a function user (fn_...: never the master user,
# a persona or another function's user); no two functions share a user. RDS Proxy signs in
# with one secret per user and never with the cluster's managed master secret, so no client
# reaches the database as the master through the proxy (break-glass is direct and audited).
package rules.rds.database_user_per_function

import data.lib.cdktf
import data.lib.lambda

metadata := {
	"id": "RDS-009",
	"title": "Each function connects as its own database user, never the master user or another function's",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "RDS Proxy requires TLS and IAM auth (a database user per function, with the grants its SQL needs)",
	"references": ["own"],
	"fix": "Build the function with CampaignFunctions (modules/campaign/campaign-functions.ts): DB_USER and rds-db:connect come from databaseUserOf(name) (modules/data/database-users.ts); the proxy's auth entries from DatabaseProxy (modules/data/rds-proxy.ts), one user secret each.",
}

# Function users are fn_ plus the function's name (functions/campaign/schema/users.ts userNameOf).
function_user_pattern := `^fn_[a-z0-9_]{1,29}$`

connect_actions := {"rds-db:connect", "rds-db:*", "*"}

connect_statements(function) := [statement |
	some statement in lambda.role_statements(function)
	object.get(statement, "Effect", "Allow") == "Allow"
	some action in cdktf.as_array(object.get(statement, "Action", object.get(statement, "NotAction", [])))
	lower(action) in connect_actions
]

db_user(function) := user if {
	some environment in cdktf.blocks(object.get(function.values, "environment", null))
	user := object.get(object.get(environment, "variables", {}), "DB_USER", null)
	is_string(user)
}

deny contains cdktf.violation(metadata, function, "its role may use rds-db:connect but its environment names no DB_USER (the user it signs in as)") if {
	some function in cdktf.resources("aws_lambda_function")
	count(connect_statements(function)) > 0
	not db_user(function)
}

deny contains cdktf.violation(metadata, function, sprintf("DB_USER %v is not a function user (fn_...): the master user and the persona users are not for functions", [user])) if {
	some function in cdktf.resources("aws_lambda_function")
	user := db_user(function)
	not regex.match(function_user_pattern, user)
}

deny contains cdktf.violation(metadata, function, sprintf("rds-db:connect on %v, but the function signs in as %v: a function connects as its own user only", [resource, user])) if {
	some function in cdktf.resources("aws_lambda_function")
	user := db_user(function)
	some statement in connect_statements(function)
	some resource in cdktf.as_array(object.get(statement, "Resource", ["*"]))
	not own_user_resource(resource, user)
}

deny contains cdktf.violation(metadata, function, "rds-db:connect through NotResource or NotAction names every other database user too") if {
	some function in cdktf.resources("aws_lambda_function")
	some statement in connect_statements(function)
	some key in {"NotResource", "NotAction"}
	object.get(statement, key, null) != null
}

deny contains cdktf.violation(metadata, function, sprintf("DB_USER %v is also the user of %v; each function has its own", [user, other.address])) if {
	some function in cdktf.resources("aws_lambda_function")
	user := db_user(function)
	some other in cdktf.resources("aws_lambda_function")
	other.address != function.address
	db_user(other) == user
}

# `arn:aws:rds-db:<region>:<account>:dbuser:<proxy or cluster id>/<user>` with no wildcard in the user.
own_user_resource(resource, user) if {
	is_string(resource)
	parts := split(resource, ":dbuser:")
	count(parts) == 2
	startswith(parts[0], "arn:aws:rds-db:")
	endswith(parts[1], sprintf("/%s", [user]))
	not contains(user, "*")
	not contains(user, "?")
}

deny contains cdktf.violation(metadata, proxy, sprintf("auth block %d signs in with the cluster's managed master secret: clients would reach the database as the master user", [i])) if {
	some proxy in cdktf.resources("aws_db_proxy")
	some i, auth in cdktf.blocks(object.get(proxy.values, "auth", null))
	contains(object.get(auth, "secret_arn", ""), "master_user_secret")
}

deny contains cdktf.violation(metadata, proxy, sprintf("auth blocks %d and %d use the same secret: each database user has its own", [i, j])) if {
	some proxy in cdktf.resources("aws_db_proxy")
	auths := cdktf.blocks(object.get(proxy.values, "auth", null))
	some i, a in auths
	some j, b in auths
	i < j
	object.get(a, "secret_arn", "") == object.get(b, "secret_arn", "")
}
