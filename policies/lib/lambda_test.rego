package lib.lambda_test

import data.lib.lambda

test_database_reference if {
	lambda.database_reference("${aws_rds_cluster.aurora.endpoint}")
	lambda.database_reference("${aws_db_proxy.p.endpoint}")
	lambda.database_reference("${data.terraform_remote_state.cross-stack-reference-input-dev-data.outputs.cross-stack-output-aws_db_proxyaurora-proxy_proxy_4C1D2E3Fendpoint}")
	lambda.database_reference("${data.terraform_remote_state.cross-stack-reference-input-dev-data.outputs.cross-stack-output-aws_rds_clusteraurora_cluster_1234ABCDreader_endpoint}")
	not lambda.database_reference("${aws_rds_cluster_parameter_group.pg.name}")
	not lambda.database_reference("${aws_db_subnet_group.g.name}")
	not lambda.database_reference("aws_rds_cluster.literal.text")
	not lambda.database_reference("${aws_sqs_queue.q.url}")
}

test_names_function if {
	fn := {"type": "aws_lambda_function", "name": "fn", "address": "aws_lambda_function.fn", "path": "p", "values": {"function_name": "medicare-dev-fn"}}
	lambda.names_function("${aws_lambda_function.fn.arn}", fn)
	lambda.names_function("medicare-dev-fn", fn)
	not lambda.names_function("${aws_lambda_function.other.arn}", fn)
	not lambda.names_function("medicare-dev-other", fn)
}
