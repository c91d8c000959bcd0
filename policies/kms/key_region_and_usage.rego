# KMS-006: a resource names a customer-managed key of its own region (the key's provider is the
# resource's; a replication rule's replica key is the destination bucket's), and a key made for
# signing (DNSSEC) signs only while the others encrypt. A key swapped for one of another region
# or purpose keeps "uses a CMK" true while the resource cannot use it, or falls back: the
# trail, a log group, a topic or a bucket pointed at the backup region's key.
package rules.kms.key_region_and_usage

import data.lib.cdktf

metadata := {
	"id": "KMS-006",
	"title": "Resources use a key of their own region, made for encryption (signing keys only sign)",
	"severity": "high",
	"hipaa": ["E"],
	"control": "a resource's customer-managed key is in the resource's region (a replica key in the destination's) and has the usage the resource needs: encryption keys encrypt, the DNSSEC key only signs",
	"references": ["own"],
	"fix": "Pass the key of the resource's region from the environment's KeyRing (keys.forRegion / the backup-region keys for replicas); the DNSSEC construct owns the only SIGN_VERIFY key.",
}

# Resources that are the key or only name it: aliases go with their key (judged as the key).
key_types := {"aws_kms_key", "aws_kms_alias", "aws_kms_key_policy", "aws_kms_replica_key", "aws_kms_grant"}

# [resource, attribute path, key] for each attribute that is exactly a reference to a key.
key_uses := [[r, path, key] |
	some r in cdktf.all_resources
	not r.type in key_types
	walk(r.values, [path, value])
	is_string(value)
	regex.match(`^\$\{aws_kms_key\.[A-Za-z0-9_-]+\.(arn|id|key_id)\}$`, value)
	key := cdktf.target(value)
]

path_text(path) := concat(".", [sprintf("%v", [p]) | some p in path])

# Route 53 signs zones only with a key in us-east-1, wherever the signing resource is declared.
# A replica key serves the destination: the bucket named beside it in the same destination block.
expected_region(r, path) := "us-east-1" if {
	r.type == "aws_route53_key_signing_key"
	count(path) > 0
} else := copy_rule.target if {
	# A cross-region copy (DLM) is encrypted in its target region.
	some i, step in path
	step == "cross_region_copy_rule"
	copy_rule := object.get(r.values, array.slice(path, 0, i + 2), null)
	is_string(copy_rule.target)
} else := cdktf.region_of(cdktf.target(r.values.s3_bucket_name)) if {
	# A Config delivery channel encrypts into its bucket, which may be another region's.
	r.type == "aws_config_delivery_channel"
	cdktf.is_ref(object.get(r.values, "s3_bucket_name", null))
} else := cdktf.region_of(bucket) if {
	r.type == "aws_s3_bucket_replication_configuration"
	path[count(path) - 1] == "replica_kms_key_id"
	rule := r.values.rule[path[1]]
	destination := cdktf.blocks(rule.destination)[0]
	bucket := cdktf.target(destination.bucket)
} else := cdktf.region_of(r)

deny contains cdktf.violation(metadata, r, sprintf("%s names %s, a key in %s; the resource needs one in %s", [path_text(path), key.address, cdktf.region_of(key), expected])) if {
	some [r, path, key] in key_uses
	expected := expected_region(r, path)
	cdktf.region_of(key) != expected
}

signs(r) := r.type == "aws_route53_key_signing_key"

deny contains cdktf.violation(metadata, r, sprintf("%s names %s, a %s key; %s", [path_text(path), key.address, usage, need])) if {
	some [r, path, key] in key_uses
	usage := object.get(key.values, "key_usage", "ENCRYPT_DECRYPT")
	signs(r) != (usage == "SIGN_VERIFY")
	need := {true: "a key-signing key needs a SIGN_VERIFY key", false: "encryption needs an ENCRYPT_DECRYPT key"}[signs(r)]
}

deny contains cdktf.violation(metadata, alias, sprintf("points at %s, a key in %s, but the alias is created in %s", [key.address, cdktf.region_of(key), cdktf.region_of(alias)])) if {
	some alias in cdktf.resources("aws_kms_alias")
	key := cdktf.target(object.get(alias.values, "target_key_id", ""))
	cdktf.region_of(key) != cdktf.region_of(alias)
}
