# KMS-002: a scheduled key deletion can be noticed and cancelled before the data encrypted
# with the key becomes unreadable for good. We require the full 30 days (the AWS default and
# KEY_DELETION_WINDOW_DAYS in modules/security/keys.ts), stricter than the catalogue's 7.
package rules.kms.key_deletion_window

import data.lib.cdktf

metadata := {
	"id": "KMS-002",
	"title": "KMS key deletion window is at least 30 days",
	"severity": "medium",
	"hipaa": ["E"],
	"control": "every customer-managed key rotates; deletion window >= 7 days; key policy has no `*` principal without conditions",
	"references": ["own"],
	"fix": "Set deletionWindowInDays to 30 (KEY_DELETION_WINDOW_DAYS) on the KmsKey, or leave it unset for the AWS default of 30.",
}

minimum_days := 30

# Absent means the AWS default, 30 days.
deny contains cdktf.violation(metadata, key, sprintf("deletion_window_in_days is %v; it must be at least %d", [days, minimum_days])) if {
	some key in cdktf.resources("aws_kms_key")
	days := key.values.deletion_window_in_days
	too_short(days)
}

too_short(days) if days < minimum_days

# A token or string cannot be shown to be long enough.
too_short(days) if not is_number(days)
