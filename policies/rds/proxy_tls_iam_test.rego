package rules.rds.proxy_tls_iam_test

import data.rules.rds.proxy_tls_iam as rule

auth := {"auth_scheme": "SECRETS", "iam_auth": "REQUIRED", "secret_arn": "${aws_rds_cluster.db.master_user_secret[0].secret_arn}"}

proxy := {
	"//": {"metadata": {"path": "dev-data/aurora-proxy/proxy"}},
	"engine_family": "MYSQL",
	"require_tls": true,
	"debug_logging": false,
	"auth": [auth],
}

doc(p) := {"resource": {"aws_db_proxy": {"proxy": p}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "RDS-008"
	v.resource_path == "dev-data/aurora-proxy/proxy"
}

test_pass_tls_and_iam_required if {
	count(rule.deny) == 0 with input as doc(proxy)
}

test_pass_auth_block_as_object if {
	count(rule.deny) == 0 with input as doc(object.union(proxy, {"auth": auth}))
}

test_pass_end_to_end_iam_without_auth_blocks if {
	count(rule.deny) == 0 with input as doc(object.union(object.remove(proxy, ["auth"]), {"default_auth_scheme": "IAM_AUTH"}))
}

test_fail_tls_not_required if {
	fails(doc(object.union(proxy, {"require_tls": false})))
	fails(doc(object.remove(proxy, ["require_tls"])))
}

test_fail_iam_auth_disabled if {
	fails(doc(object.union(proxy, {"auth": [object.union(auth, {"iam_auth": "DISABLED"})]})))
}

test_fail_second_auth_block_without_iam if {
	fails(doc(object.union(proxy, {"auth": [auth, object.remove(auth, ["iam_auth"])]})))
}

test_fail_no_auth_at_all if {
	fails(doc(object.remove(proxy, ["auth"])))
}

test_fail_debug_logging if {
	fails(doc(object.union(proxy, {"debug_logging": true})))
}

with_parts(p, proxy_name) := {"resource": {
	"aws_db_proxy": {"proxy": object.union(p, {"name": "medicare-dev-aurora-proxy"})},
	"aws_db_proxy_default_target_group": {"group": {"//": {"metadata": {"path": "dev-data/aurora-proxy/target-group"}}, "db_proxy_name": proxy_name}},
	"aws_db_proxy_target": {"target": {"//": {"metadata": {"path": "dev-data/aurora-proxy/target"}}, "db_proxy_name": proxy_name, "db_cluster_identifier": "${aws_rds_cluster.db.cluster_identifier}"}},
}}

test_pass_targets_of_a_declared_proxy if {
	count(rule.deny) == 0 with input as with_parts(proxy, "${aws_db_proxy.proxy.name}")
	count(rule.deny) == 0 with input as with_parts(proxy, "medicare-dev-aurora-proxy")
}

test_fail_targets_of_a_proxy_that_is_gone if {
	d := json.remove(with_parts(proxy, "${aws_db_proxy.proxy.name}"), ["resource/aws_db_proxy"])
	some v in rule.deny with input as d
	v.rule_id == "RDS-008"
	v.resource_path == "dev-data/aurora-proxy/target"
}

test_fail_target_of_another_proxy_by_name if {
	some v in rule.deny with input as with_parts(proxy, "some-other-proxy")
	v.resource_path == "dev-data/aurora-proxy/target-group"
}
