package rules.audit.macie_discovery_test

import data.rules.audit.fixtures_test as f
import data.rules.audit.macie_discovery as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "AUD-008"
}

job := f.resources.aws_macie2_classification_job.j

test_pass_security_stack if count(rule.deny) == 0 with input as f.security_stack

test_pass_other_stack if count(rule.deny) == 0 with input as f.data_stack

test_fail_no_macie if fails(f.without("aws_macie2_account"))

test_fail_macie_paused if fails(f.with_fields("aws_macie2_account", "m", {"status": "PAUSED"}))

test_fail_macie_publishes_hourly if fails(f.with_fields("aws_macie2_account", "m", {"finding_publishing_frequency": "ONE_HOUR"}))

test_fail_macie_publishing_default if fails(f.with_fields("aws_macie2_account", "m", {"finding_publishing_frequency": null}))

test_fail_no_job if fails(f.without("aws_macie2_classification_job"))

test_fail_one_time_job if fails(f.with_fields("aws_macie2_classification_job", "j", {"job_type": "ONE_TIME"}))

test_fail_sampled if fails(f.with_fields("aws_macie2_classification_job", "j", {"sampling_percentage": 10}))

test_fail_weekly if fails(f.with_fields("aws_macie2_classification_job", "j", {"schedule_frequency": {"daily_schedule": false, "weekly_schedule": "MONDAY"}}))

test_fail_other_tag if fails(f.with_fields("aws_macie2_classification_job", "j", {"s3_job_definition": {"bucket_criteria": {"includes": {"and": [{"tag_criterion": {"comparator": "EQ", "tag_values": [{"key": "bucket-contents", "value": "operational"}]}}]}}}}))

test_fail_phi_excluded_again if fails(f.with_fields("aws_macie2_classification_job", "j", {"s3_job_definition": object.union(job.s3_job_definition, {"scoping": {"excludes": {"and": [{"simple_scope_term": {"comparator": "STARTS_WITH", "key": "OBJECT_KEY", "values": ["daily/"]}}]}}})}))

test_fail_findings_not_routed if fails(f.without("aws_cloudwatch_event_target"))

test_fail_only_medium_findings if fails(f.with_fields("aws_cloudwatch_event_rule", "macie", {"event_pattern": json.marshal({"source": ["aws.macie"], "detail": {"severity": {"description": ["Medium"]}}})}))

test_fail_backup_region_without_macie if fails(f.in_two_regions({}))
