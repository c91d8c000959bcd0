package rules.kms.key_use_via_services_test

import data.rules.kms.key_use_via_services as rule

account := {"AWS": "arn:aws:iam::111111111111:root"}

via := {"StringEquals": {"kms:CallerAccount": "111111111111", "kms:ViaService": ["rds.eu-west-2.amazonaws.com", "s3.eu-west-2.amazonaws.com"]}}

admin := {"Sid": "AccountAdministersThroughIam", "Effect": "Allow", "Principal": account, "Action": ["kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Get*", "kms:Revoke*", "kms:ScheduleKeyDeletion"], "Resource": "*"}

use(fields) := object.union({"Sid": "AccountUses", "Effect": "Allow", "Principal": account, "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"}, fields)

grant(condition) := {"Sid": "AccountGrants", "Effect": "Allow", "Principal": account, "Action": "kms:CreateGrant", "Resource": "*", "Condition": condition}

key(statements) := {"resource": {"aws_kms_key": {"data": {
	"//": {"metadata": {"path": "dev-security/keys/data/key"}},
	"enable_key_rotation": true,
	"policy": json.marshal({"Version": "2012-10-17", "Statement": statements}),
}}}}

key_policy(statements) := {"resource": {"aws_kms_key_policy": {"kp": {
	"//": {"metadata": {"path": "dev-security/keys/data/policy"}},
	"key_id": "${aws_kms_key.data.id}",
	"policy": json.marshal({"Version": "2012-10-17", "Statement": statements}),
}}}}

fails(doc, path) if {
	some v in rule.deny with input as doc
	v.rule_id == "KMS-004"
	v.resource_path == path
}

test_pass_admin_and_use_via_services if {
	count(rule.deny) == 0 with input as key([admin, use({"Condition": via}), grant(object.union(via, {"Bool": {"kms:GrantIsForAWSResource": true}}))])
}

test_pass_service_principal_statements_are_not_this_rules if {
	count(rule.deny) == 0 with input as key([{"Effect": "Allow", "Principal": {"Service": "logs.eu-west-2.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}])
}

test_pass_deny_without_condition if {
	count(rule.deny) == 0 with input as key([{"Effect": "Deny", "Principal": account, "Action": "kms:Decrypt", "Resource": "*"}])
}

test_fail_use_without_condition if {
	fails(key([admin, use({})]), "dev-security/keys/data/key")
}

test_fail_use_with_caller_account_only if {
	fails(key([use({"Condition": {"StringEquals": {"kms:CallerAccount": "111111111111"}}})]), "dev-security/keys/data/key")
}

test_fail_via_service_wildcard if {
	fails(key([use({"Condition": {"StringLike": {"kms:ViaService": "*.amazonaws.com"}}})]), "dev-security/keys/data/key")
}

test_fail_admin_statement_widened_to_kms_star if {
	fails(key([object.union(admin, {"Action": "kms:*"})]), "dev-security/keys/data/key")
}

test_fail_not_action if {
	fails(key([{"Effect": "Allow", "Principal": account, "NotAction": "kms:ScheduleKeyDeletion", "Resource": "*"}]), "dev-security/keys/data/key")
}

test_fail_grant_without_aws_resource_condition if {
	fails(key([grant(via)]), "dev-security/keys/data/key")
}

test_fail_key_policy_resource if {
	fails(key_policy([use({})]), "dev-security/keys/data/policy")
}
