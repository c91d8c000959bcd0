# DMS-007: every replication task validates what it migrated (each row compared with its
# source: integrity) and logs to CloudWatch Logs (audit, and the only record of why a table
# failed). Read from the task's replication_task_settings JSON; absent settings mean DMS's
# defaults, which have both off.
package rules.dms.task_validation_logging

import data.lib.cdktf
import data.lib.dms

metadata := {
	"id": "DMS-007",
	"title": "DMS replication tasks validate migrated data and log to CloudWatch Logs",
	"severity": "high",
	"hipaa": ["T"],
	"control": "replication instance not public, KMS, multi-AZ in prod, auto minor upgrade; endpoints use SSL (verify-full) and Secrets Manager",
	"references": ["own"],
	"fix": "Create tasks with DatabaseMigration (modules/data/migration.ts), whose settings set ValidationSettings.EnableValidation and Logging.EnableLogging to true.",
}

required := {
	"ValidationSettings.EnableValidation": ["ValidationSettings", "EnableValidation"],
	"Logging.EnableLogging": ["Logging", "EnableLogging"],
}

deny contains cdktf.violation(metadata, task, sprintf("replication_task_settings %s is %v; it must be true", [name, object.get(dms.task_settings(task), path, "absent")])) if {
	some task in cdktf.resources("aws_dms_replication_task")
	some name, path in required
	not dms.truthy(object.get(dms.task_settings(task), path, null))
}
