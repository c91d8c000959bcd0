# S3-005: buckets holding patient data (including exports) or audit trails keep every
# object version under Object Lock in compliance mode (nobody, root included, can delete
# or overwrite it before its retention ends) and copy it to a locked bucket in the backup
# region, so neither a compromised account nor a regional outage loses it. AWS Config's
# history (`config-history`) cannot be locked where Config delivers it, so its replica must
# be locked and the source must replicate to it.
#
# What a bucket holds is read from its `bucket-contents` tag, so the tag itself must be
# there and be one of the known values: an untagged bucket cannot be exempted.
# A replica is recognised by being the destination of an enabled replication rule in the
# same document (SecureBucket declares both together); a replica must be locked, but does
# not replicate again.
package rules.s3.locked_and_replicated

import data.lib.cdktf
import data.lib.s3

metadata := {
	"id": "S3-005",
	"title": "S3 buckets holding PHI, exports or audit logs are locked and replicated to a locked bucket in the backup region",
	"severity": "high",
	"hipaa": ["B", "I"],
	"control": "buckets holding PHI, audit logs or exports: Object Lock; replication to the backup region",
	"references": ["nag:S3BucketReplicationEnabled", "cfg:S3_BUCKET_DEFAULT_LOCK_ENABLED"],
	"fix": "Create the bucket with SecureBucket (modules/storage/secure-bucket.ts) with contents phi or audit and lockDays: it enables Object Lock (COMPLIANCE default retention) and replicates every object, re-encrypted, to a locked replica created with the backup-region provider.",
}

deny contains cdktf.violation(metadata, bucket, sprintf("tag %s is %v; it must be one of %v, so the rules know whether the bucket must be locked", [s3.contents_tag, tag, s3.known_contents])) if {
	some bucket in s3.buckets
	tag := s3.contents(bucket)
	not tag in s3.known_contents
}

locked_buckets contains bucket if {
	some bucket in s3.buckets
	s3.contents(bucket) in s3.locked_contents
}

# Config's history is locked in its replica only.
locked_buckets contains bucket if {
	some bucket in s3.buckets
	s3.contents(bucket) == s3.unlockable_audit
	is_replica(bucket)
}

# Buckets that must copy every version to a locked bucket of the backup region.
replicated_buckets contains bucket if {
	some bucket in s3.buckets
	s3.contents(bucket) in (s3.locked_contents | {s3.unlockable_audit})
	not is_replica(bucket)
}

deny contains cdktf.violation(metadata, bucket, sprintf("holds %s but object_lock_enabled is not true", [s3.contents(bucket)])) if {
	some bucket in locked_buckets
	not lock_enabled(bucket)
}

deny contains cdktf.violation(metadata, bucket, sprintf("holds %s but no aws_s3_bucket_object_lock_configuration sets a COMPLIANCE default retention", [s3.contents(bucket)])) if {
	some bucket in locked_buckets
	not compliance_retention(bucket)
}

deny contains cdktf.violation(metadata, bucket, sprintf("holds %s but no enabled replication rule copies every SSE-KMS object, re-encrypted with a customer-managed key, to a locked bucket of the backup region (provider %s)", [s3.contents(bucket), s3.backup_region_provider])) if {
	some bucket in replicated_buckets
	not replicated(bucket)
}

# A retagged source (say phi -> operational) would drop its lock unnoticed; its replica
# still says what it holds.
deny contains cdktf.violation(metadata, source, sprintf("is tagged %v but replicates to %s, which holds %s; tag them alike", [s3.contents(source), replica.path, s3.contents(replica)])) if {
	some [config, rule] in enabled_rules
	some source in s3.buckets
	s3.names_bucket(object.get(config.values, "bucket", null), source)
	some destination in cdktf.blocks(object.get(rule, "destination", null))
	some replica in s3.buckets
	s3.is_arn_of(destination.bucket, replica)
	s3.contents(replica) in (s3.locked_contents | {s3.unlockable_audit})
	s3.contents(source) != s3.contents(replica)
}

lock_enabled(bucket) if bucket.values.object_lock_enabled == true

# The provider's older inline form.
lock_enabled(bucket) if {
	some config in cdktf.blocks(object.get(bucket.values, "object_lock_configuration", null))
	config.object_lock_enabled == "Enabled"
}

compliance_retention(bucket) if {
	some config in s3.attached("aws_s3_bucket_object_lock_configuration", bucket)
	some rule in cdktf.blocks(object.get(config.values, "rule", null))
	some retention in cdktf.blocks(object.get(rule, "default_retention", null))
	retention.mode == "COMPLIANCE"
	positive(retention)
}

positive(retention) if to_number(object.get(retention, "days", 0)) > 0

positive(retention) if to_number(object.get(retention, "years", 0)) > 0

# Every enabled rule of every replication configuration, with its source configuration.
enabled_rules contains [config, rule] if {
	some config in cdktf.resources("aws_s3_bucket_replication_configuration")
	some rule in cdktf.blocks(object.get(config.values, "rule", null))
	rule.status == "Enabled"
}

is_replica(bucket) if {
	some [_, rule] in enabled_rules
	some destination in cdktf.blocks(object.get(rule, "destination", null))
	s3.is_arn_of(destination.bucket, bucket)
}

replicated(bucket) if {
	some [config, rule] in enabled_rules
	s3.names_bucket(object.get(config.values, "bucket", null), bucket)
	cdktf.non_empty_string(object.get(config.values, "role", null))
	replicates_everything(rule)
	replicates_kms_objects(rule)
	some destination in cdktf.blocks(object.get(rule, "destination", null))
	some replica in s3.buckets
	s3.is_arn_of(destination.bucket, replica)
	object.get(replica.values, "provider", "") == s3.backup_region_provider
	lock_enabled(replica)
	some encryption in cdktf.blocks(object.get(destination, "encryption_configuration", null))
	cdktf.is_kms_key_ref(object.get(encryption, "replica_kms_key_id", null))
}

# No prefix or tag narrows the rule to some objects.
replicates_everything(rule) if {
	object.get(rule, "prefix", "") == ""
	every filter in cdktf.blocks(object.get(rule, "filter", null)) {
		object.get(filter, "prefix", "") == ""
		count(cdktf.blocks(object.get(filter, "tag", null))) == 0
		count(cdktf.blocks(object.get(filter, "and", null))) == 0
	}
}

# S3 skips SSE-KMS objects (all objects of these buckets) unless the rule opts them in.
replicates_kms_objects(rule) if {
	some criteria in cdktf.blocks(object.get(rule, "source_selection_criteria", null))
	some kms in cdktf.blocks(object.get(criteria, "sse_kms_encrypted_objects", null))
	kms.status == "Enabled"
}
