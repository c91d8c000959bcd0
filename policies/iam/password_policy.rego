# IAM-007: the account password policy asks for at least 14 characters of all four classes,
# prevents reuse of the last 24 and expires passwords within 90 days; the security stack
# must declare it, so the account never runs on AWS's weak default.
package rules.iam.password_policy

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "IAM-007",
	"title": "The account password policy requires 14+ characters of all classes, reuse prevention 24 and max age 90",
	"severity": "medium",
	"hipaa": ["A"],
	"control": "account password policy: >= 14 chars, all classes, reuse 24, max age 90",
	"references": ["cfg:IAM_PASSWORD_POLICY"],
	"fix": "Keep AccountPasswordPolicy (modules/iam/password-policy.ts) in the security stack; its values are fixed in PASSWORD_RULES.",
}

deny contains cdktf.violation(metadata, {"path": audit.stack_name, "address": "aws_iam_account_password_policy"}, "the security stack declares no aws_iam_account_password_policy") if {
	audit.is_security_stack
	count(cdktf.resources("aws_iam_account_password_policy")) == 0
}

# Every weakness of a password policy's values.
problems(v) := {msg |
	some [msg, weak] in [
		["minimum_password_length < 14", object.get(v, "minimum_password_length", 0) < 14],
		["require_lowercase_characters is not true", object.get(v, "require_lowercase_characters", false) != true],
		["require_uppercase_characters is not true", object.get(v, "require_uppercase_characters", false) != true],
		["require_numbers is not true", object.get(v, "require_numbers", false) != true],
		["require_symbols is not true", object.get(v, "require_symbols", false) != true],
		["password_reuse_prevention < 24", object.get(v, "password_reuse_prevention", 0) < 24],
		["max_password_age is not 1..90 days", not_between(object.get(v, "max_password_age", 0), 1, 90)],
	]
	weak
}

not_between(x, low, high) := x < low if x < low

else := x > high

deny contains cdktf.violation(metadata, p, concat("; ", sort(problems(p.values)))) if {
	some p in cdktf.resources("aws_iam_account_password_policy")
	count(problems(p.values)) > 0
}
