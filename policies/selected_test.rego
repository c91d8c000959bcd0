package selected_test

import data.selected

flow_log_rejects := {"resource": {"aws_flow_log": {"f": {
	"//": {"metadata": {"path": "dev-network/flow-log/flow-log"}},
	"traffic_type": "REJECT",
	"vpc_id": "${aws_vpc.v.id}",
}}, "aws_vpc": {"v": {"//": {"metadata": {"path": "dev-network/vpc/vpc"}}, "cidr_block": "10.0.0.0/16"}}}}

no_vpc := {"resource": {"aws_s3_bucket": {"b": {"//": {"metadata": {"path": "dev-data/bucket/bucket"}}}}}}

combined := [{"path": "a/cdk.tf.json", "contents": flow_log_rejects}, {"path": "b/cdk.tf.json", "contents": flow_log_rejects}, {"path": "c/cdk.tf.json", "contents": no_vpc}]

test_selected_rule_reports_what_the_suite_reports_for_the_document if {
	findings := selected.deny with input as combined with data.selected_rules as {"a/cdk.tf.json": ["NET-001"]}
	suite := data.main.deny with input as flow_log_rejects
	expected := {object.union(f, {"checked_file": "a/cdk.tf.json"}) | some f in suite; f.rule_id == "NET-001"}
	count(expected) > 0
	findings == expected
}

test_other_rules_and_unselected_documents_are_not_evaluated if {
	# b is not selected; a is checked only against a rule it does not break.
	findings := selected.deny with input as combined with data.selected_rules as {"a/cdk.tf.json": ["S3-002"]}
	count(findings) == 0
}

test_a_document_that_passes_its_rule_reports_nothing if {
	findings := selected.deny with input as combined with data.selected_rules as {"c/cdk.tf.json": ["NET-001"]}
	count(findings) == 0
}
