# DMS-005: every DMS endpoint connects with TLS and verifies the server: ssl_mode verify-full
# checks the certificate chain against a pinned CA (certificate_arn) AND that the certificate
# names the host. "require" encrypts but would talk to anyone on the path; "verify-ca" accepts
# any server the CA ever certified.
package rules.dms.endpoint_tls

import data.lib.cdktf
import data.lib.dms

metadata := {
	"id": "DMS-005",
	"title": "DMS endpoints use TLS with full verification (verify-full) against a pinned CA certificate",
	"severity": "critical",
	"hipaa": ["T"],
	"control": "replication instance not public, KMS, multi-AZ in prod, auto minor upgrade; endpoints use SSL (verify-full) and Secrets Manager",
	"references": ["ckv:CKV2_AWS_49"],
	"fix": "Create endpoints with DatabaseMigration (modules/data/migration.ts): ssl_mode = verify-full and certificate_arn = the aws_dms_certificate of the server's CA.",
}

deny contains cdktf.violation(metadata, endpoint, sprintf("ssl_mode is %v; it must be verify-full", [object.get(endpoint.values, "ssl_mode", "absent")])) if {
	some endpoint in cdktf.resources("aws_dms_endpoint")
	object.get(endpoint.values, "ssl_mode", null) != "verify-full"
}

deny contains cdktf.violation(metadata, endpoint, sprintf("certificate_arn is %v; verify-full needs the server CA as an aws_dms_certificate", [object.get(endpoint.values, "certificate_arn", "absent")])) if {
	some endpoint in cdktf.resources("aws_dms_endpoint")
	not dms.is_dms_certificate(object.get(endpoint.values, "certificate_arn", null))
}
