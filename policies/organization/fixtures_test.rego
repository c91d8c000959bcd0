# Shared fixtures for the organization rule tests: an organization stack that passes every
# rule, and helpers that weaken one SCP statement.
package rules.organization.fixtures_test

meta(path) := {"metadata": {"path": path}}

deployment := {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/medicare-deployment"}}

break_glass := {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/medicare-break-glass"}}

statements := {
	"leave": [{"Sid": "Leave", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
	"audit": [
		{"Sid": "Audit", "Effect": "Deny", "Resource": "*", "Condition": deployment, "Action": [
			"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors",
			"config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "config:PutConfigurationRecorder",
			"guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromAdministratorAccount", "guardduty:CreateFilter",
			"securityhub:DisableSecurityHub", "securityhub:DisassociateFromAdministratorAccount", "securityhub:BatchDisableStandards",
			"inspector2:Disable", "inspector2:DisassociateMember",
			"macie2:DisableMacie", "macie2:DisassociateFromAdministratorAccount", "macie2:UpdateAutomatedDiscoveryConfiguration",
			"access-analyzer:DeleteAnalyzer", "access-analyzer:CreateArchiveRule",
		]},
		{"Sid": "Boundaries", "Effect": "Deny", "Resource": "arn:aws:iam::*:policy/medicare-*-boundary", "Condition": deployment, "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion"]},
		{"Sid": "RoleBoundaries", "Effect": "Deny", "Resource": "*", "Condition": deployment, "Action": ["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"]},
	],
	"root": [{"Sid": "Root", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}],
	"users": [{"Sid": "Users", "Effect": "Deny", "Resource": "*", "Action": ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"]}],
	"regions": [{"Sid": "Regions", "Effect": "Deny", "Resource": "*", "NotAction": ["iam:*", "organizations:*", "sts:*"], "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-2", "eu-west-1", "us-east-1"]}}}],
	"s3": [{"Sid": "S3", "Effect": "Deny", "Resource": "*", "Action": "s3:PutAccountPublicAccessBlock", "Condition": deployment}],
	"kms": [{"Sid": "Kms", "Effect": "Deny", "Resource": "*", "Condition": break_glass, "Action": ["kms:ScheduleKeyDeletion", "kms:DeleteImportedKeyMaterial", "kms:PutKeyPolicy", "kms:DisableKey"]}],
}

# policy -> targets
targets := {"leave": ["root"], "audit": ["root"], "root": ["root"], "users": ["root"], "regions": ["ous"], "s3": ["ous"], "kms": ["ous"]}

ou_names := ["security", "infrastructure", "workloads"]

target_ref(t) := "${aws_organizations_organization.organization.roots[0].id}" if t == "root"

policy(name, stmts) := {"//": meta(sprintf("organization/scp-%s", [name])), "name": name, "type": "SERVICE_CONTROL_POLICY", "content": json.marshal({"Version": "2012-10-17", "Statement": stmts})}

attachments(targets_by_policy) := {sprintf("%s-%s", [p, t]): {"policy_id": sprintf("${aws_organizations_policy.%s.id}", [p]), "target_id": ref} |
	some p, ts in targets_by_policy
	some target in ts
	some t, ref in expand(target)
}

expand(target) := {"root": "${aws_organizations_organization.organization.roots[0].id}"} if target == "root"

expand(target) := {ou: sprintf("${aws_organizations_organizational_unit.%s.id}", [ou]) | some ou in ou_names} if target == "ous"

resources(stmts_by_policy, targets_by_policy) := {
	"aws_organizations_organization": {"organization": {"//": meta("organization/organization"), "feature_set": "ALL", "enabled_policy_types": ["SERVICE_CONTROL_POLICY"]}},
	"aws_organizations_organizational_unit": object.union(
		{ou: {"//": meta(sprintf("organization/ou-%s", [ou])), "name": ou, "parent_id": "${aws_organizations_organization.organization.roots[0].id}"} | some ou in ou_names},
		{"prod": {"name": "prod", "parent_id": "${aws_organizations_organizational_unit.workloads.id}"}},
	),
	"aws_organizations_policy": {name: policy(name, stmts) | some name, stmts in stmts_by_policy},
	"aws_organizations_policy_attachment": attachments(targets_by_policy),
}

stack(rs) := {"//": {"metadata": {"stackName": "organization"}}, "resource": rs}

organization_stack := stack(resources(statements, targets))

# The organization stack with SCP `name`'s statements replaced.
with_statements(name, stmts) := stack(resources(object.union(statements, {name: stmts}), targets))

# The organization stack with SCP `name` attached only to `ts` ("root", "ous", or none).
with_targets(name, ts) := stack(resources(statements, object.union(targets, {name: ts})))

# The first statement of SCP `name` with `fields` merged in (or removed when null... use without_field).
edited(name, fields) := with_statements(name, array.concat([object.union(statements[name][0], fields)], array.slice(statements[name], 1, count(statements[name]))))

without_field(name, field) := with_statements(name, array.concat([object.remove(statements[name][0], [field])], array.slice(statements[name], 1, count(statements[name]))))

# A stack without an organization: none of the organization rules apply.
env_stack := {"//": {"metadata": {"stackName": "dev-security"}}, "resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}}

# ---------------------------------------------------------------------------
# Delegated administration (ORG-005): the organization stack's admins, two regions.

regions_providers := {"aws": [{"region": "eu-west-2", "allowed_account_ids": ["444444444444"]}, {"alias": "eu_west_1", "region": "eu-west-1", "allowed_account_ids": ["444444444444"]}]}

admin_types := {
	"aws_guardduty_organization_admin_account": "admin_account_id",
	"aws_securityhub_organization_admin_account": "admin_account_id",
	"aws_inspector2_delegated_admin_account": "account_id",
	"aws_macie2_organization_admin_account": "admin_account_id",
}

admins := object.union(
	{type: {"home": {attribute: "555555555555"}, "backup": {attribute: "555555555555", "provider": "aws.eu_west_1"}} | some type, attribute in admin_types},
	{"aws_organizations_delegated_administrator": {
		"config": {"account_id": "555555555555", "service_principal": "config.amazonaws.com"},
		"analyzer": {"account_id": "555555555555", "service_principal": "access-analyzer.amazonaws.com"},
	}},
)

delegated_stack := object.union(stack(object.union(resources(statements, targets), admins)), {"provider": regions_providers})

delegated_with(type, name, fields) := object.union(delegated_stack, {"resource": {type: {name: fields}}})

delegated_without(type, name) := json.remove(delegated_stack, [sprintf("resource/%s/%s", [type, name])])

# ---------------------------------------------------------------------------
# The security account's stack (ORG-006), two regions.

security_providers := {"aws": [{"region": "eu-west-2", "allowed_account_ids": ["555555555555"]}, {"alias": "eu_west_1", "region": "eu-west-1", "allowed_account_ids": ["555555555555"]}]}

features := ["S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING"]

region_keys := {"home": "aws", "backup": "aws.eu_west_1"}

with_provider(body, p) := body if p == "aws"

with_provider(body, p) := object.union(body, {"provider": p}) if p != "aws"

security_resources := {
	"aws_guardduty_detector": {k: with_provider({"enable": true}, p) | some k, p in region_keys},
	"aws_guardduty_organization_configuration": {k: with_provider({"detector_id": sprintf("${aws_guardduty_detector.%s.id}", [k]), "auto_enable_organization_members": "ALL"}, p) | some k, p in region_keys},
	"aws_guardduty_organization_configuration_feature": {sprintf("%s-%s", [k, lower(n)]): with_provider({"detector_id": sprintf("${aws_guardduty_detector.%s.id}", [k]), "name": n, "auto_enable": "ALL"}, p) | some k, p in region_keys; some n in features},
	"aws_securityhub_account": {k: with_provider({"auto_enable_controls": true}, p) | some k, p in region_keys},
	"aws_macie2_account": {k: with_provider({"status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES"}, p) | some k, p in region_keys},
	"aws_securityhub_organization_configuration": {k: with_provider({"auto_enable": true}, p) | some k, p in region_keys},
	"aws_inspector2_organization_configuration": {k: with_provider({"auto_enable": {"ec2": true, "ecr": true, "lambda": true, "lambda_code": true}}, p) | some k, p in region_keys},
	"aws_macie2_organization_configuration": {k: with_provider({"auto_enable": true}, p) | some k, p in region_keys},
	"aws_accessanalyzer_analyzer": {k: with_provider({"type": "ORGANIZATION", "analyzer_name": k}, p) | some k, p in region_keys},
	"aws_securityhub_finding_aggregator": {"a": {"linking_mode": "SPECIFIED_REGIONS", "specified_regions": ["eu-west-1"]}},
	"aws_config_configuration_aggregator": {"c": {"name": "medicare-organization", "organization_aggregation_source": {"all_regions": true, "role_arn": "${aws_iam_role.r.arn}"}}},
}

security_stack := {"//": {"metadata": {"stackName": "organization-detection"}}, "provider": security_providers, "resource": security_resources}

security_with(type, name, fields) := object.union(security_stack, {"resource": {type: {name: fields}}})

security_without(type, name) := json.remove(security_stack, [sprintf("resource/%s/%s", [type, name])])
