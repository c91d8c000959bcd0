package catalog_test

import data.catalog

catalog_request := {"catalog_request": true}

test_catalog_lists_every_rule_once_with_metadata if {
	entries := catalog.warn with input as catalog_request
	ids := [e.msg | some e in entries]
	count(ids) == count({id | some id in ids})
	{id | some id in ids} == {
		"NET-001", "NET-002", "NET-003", "NET-004", "NET-005", "NET-006", "NET-007", "NET-008", "NET-009", "NET-010",
		"KMS-001", "KMS-002", "KMS-003", "LOG-001", "LOG-002", "LOG-003", "TAG-001",
		"S3-001", "S3-002", "S3-003", "S3-004", "S3-005", "S3-006",
		"BAK-001", "BAK-002", "BAK-003", "BAK-004",
		"SEC-001", "SEC-002", "SEC-003", "LAM-001", "LAM-002", "LAM-003", "LAM-004",
		"RDS-001", "RDS-002", "RDS-003", "RDS-004", "RDS-005", "RDS-006", "RDS-007", "RDS-008", "RDS-009",
		"DMS-001", "DMS-002", "DMS-003", "DMS-004", "DMS-005", "DMS-006", "DMS-007", "EXP-001", "EXP-002", "EXP-003",
		"AUD-001", "AUD-002", "AUD-003", "AUD-004", "AUD-005", "AUD-006", "AUD-007",
		"IAM-001", "IAM-002", "IAM-003", "IAM-004", "IAM-005", "IAM-006", "IAM-007",
		"ALB-001", "ALB-002", "WAF-001", "WAF-002", "WAF-003", "EC2-001", "EC2-002", "EC2-003",
		"SSM-001", "CDN-001", "CDN-002", "COG-001", "COG-002",
		"SQS-001", "SQS-002", "SQS-003", "SNS-001", "ESM-001", "SFN-001", "API-001", "API-002", "API-003",
		"MSG-001", "MSG-002", "MSG-003", "ALM-001", "ALM-002",
		"IAM-008", "KMS-004", "NET-011", "LOG-004", "LOG-005",
		"DET-001", "DET-002", "DET-003", "DET-004", "DET-005", "DET-006", "DET-007",
		# values, principals and resource types (issue 16a)
		"TYP-001", "PRN-001", "PRN-002", "BND-001", "S3-007", "IAM-009", "IAM-010", "IAM-011", "KMS-005",
		"NET-012", "NET-013", "NET-014", "CDN-003", "COG-003", "WAF-004", "API-004", "MSG-004",
		"ORG-001", "ORG-002", "ORG-003", "ORG-004", "ORG-005", "ORG-006", "AUD-008",
		# IAM Identity Center (issue 19c)
		"ORG-007",
		# classes found by the exploratory mutation operators
		"IAM-012", "KMS-006", "WIR-001",
	}
	every e in entries {
		e.metadata.id == e.msg
		{k | some k, _ in e.metadata} == {"id", "title", "severity", "hipaa", "control", "references", "fix"}
		e.metadata.severity in {"critical", "high", "medium", "low"}
		count(e.metadata.references) > 0
	}
}

test_catalog_is_silent_on_a_stack if {
	count(catalog.warn) == 0 with input as {"resource": {"aws_vpc": {"main": {}}}}
}

test_rules_are_silent_on_the_catalog_request if {
	findings := [v | some area, name; some v in data.rules[area][name].deny] with input as catalog_request
	count(findings) == 0
}
