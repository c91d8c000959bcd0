package lib.s3_test

import data.lib.s3

b := {"type": "aws_s3_bucket", "name": "b", "address": "aws_s3_bucket.b", "path": "aws_s3_bucket.b", "values": {"bucket": "medicare-dev-b-111111111111"}}

c := {"type": "aws_s3_bucket", "name": "c", "address": "aws_s3_bucket.c", "path": "aws_s3_bucket.c", "values": {"bucket": "${var.name}"}}

test_names_bucket_by_any_attribute_reference_or_literal_name if {
	s3.names_bucket("${aws_s3_bucket.b.id}", b)
	s3.names_bucket("${aws_s3_bucket.b.bucket}", b)
	s3.names_bucket("${aws_s3_bucket.b.arn}", b)
	s3.names_bucket("medicare-dev-b-111111111111", b)
	not s3.names_bucket("${aws_s3_bucket.bb.id}", b)
	not s3.names_bucket("medicare-dev-c", b)
	not s3.names_bucket("${var.name}", c)
}

test_arns if {
	s3.arns(b) == {"${aws_s3_bucket.b.arn}", "arn:aws:s3:::medicare-dev-b-111111111111"}
	s3.arns(c) == {"${aws_s3_bucket.c.arn}"}
}

test_attached if {
	doc := {"resource": {"aws_s3_bucket_versioning": {
		"by_ref": {"bucket": "${aws_s3_bucket.b.id}"},
		"by_name": {"bucket": "medicare-dev-b-111111111111"},
		"other": {"bucket": "${aws_s3_bucket.c.id}"},
	}}}
	names := {r.name | some r in s3.attached("aws_s3_bucket_versioning", b)} with input as doc
	names == {"by_ref", "by_name"}
}

test_covers if {
	stmt := {"Action": ["s3:Get*", "s3:ListBucket"], "Resource": ["${aws_s3_bucket.b.arn}", "${aws_s3_bucket.b.arn}/*"]}
	s3.covers_action(stmt, "s3:GetObject")
	not s3.covers_action(stmt, "s3:PutObject")
	not s3.covers_all_s3_actions(stmt)
	s3.covers_bucket(stmt, b)
	s3.covers_objects(stmt, b)
	not s3.covers_objects({"Resource": "${aws_s3_bucket.b.arn}"}, b)
	s3.covers_all_s3_actions({"Action": "S3:*"})
}

test_principal_values if {
	s3.principal_values({"Principal": "*"}) == {"*"}
	s3.principal_values({"Principal": {"AWS": ["a", "b"], "Service": "s"}}) == {"a", "b", "s"}
	s3.only_log_delivery({"Principal": {"Service": "logging.s3.amazonaws.com"}})
	not s3.only_log_delivery({"Principal": {"Service": ["logging.s3.amazonaws.com", "s3.amazonaws.com"]}})
	not s3.only_log_delivery({"Principal": {"AWS": "*", "Service": "logging.s3.amazonaws.com"}})
}

test_restricts_principal if {
	s3.restricts_principal({"Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}})
	s3.restricts_principal({"Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::medicare-dev-*"}}})
	not s3.restricts_principal({"Condition": {"StringEquals": {"aws:SourceAccount": ["111111111111", "*"]}}})
	not s3.restricts_principal({"Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111111111111"}}})
	not s3.restricts_principal({"Condition": {"Bool": {"aws:SecureTransport": true}}})
	not s3.restricts_principal({})
}
