# SEC-003: no private key or AWS access key id appears anywhere in the configuration, in any
# string of any block (descriptions, tags, policies, user data once decoded): key material
# in the synthesized JSON is key material in the repository and the state.
package rules.secrets.no_key_material

import data.lib.cdktf
import data.lib.secrets

metadata := {
	"id": "SEC-003",
	"title": "No private key or AWS access key id anywhere in the configuration",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "no literal credential in any resource attribute, user data or Lambda environment",
	"references": ["ckv:CKV_AWS_45", "ckv:CKV_AWS_46", "own"],
	"fix": "Remove the key: private keys belong in Secrets Manager or ACM, and AWS access keys nowhere (roles give short-lived credentials).",
}

# Every string of the document is searched (user data also decoded); where it sits is only
# spelled out for a string that holds key material (formatting the path of every string
# first made this one of the slowest rules of the suite).
deny contains cdktf.violation(metadata, resource, sprintf("%s holds %s", [secrets.attribute_path(path), material])) if {
	some resource in cdktf.all_resources
	walk(resource.values, [path, value])
	is_string(value)
	material := secrets.key_material(value)
}

deny contains cdktf.violation(metadata, resource, sprintf("%s (decoded) holds %s", [attribute, material])) if {
	some resource in cdktf.all_resources
	some attribute in ["user_data", "user_data_base64"]
	value := object.get(resource.values, attribute, null)
	some text in secrets.user_data_texts(value)
	text != value
	material := secrets.key_material(text)
}

deny contains cdktf.violation(metadata, reported, sprintf("%s holds %s", [secrets.attribute_path(path), material])) if {
	some section, content in input
	section != "resource"
	walk(content, [path, value])
	is_string(value)
	material := secrets.key_material(value)
	address := concat(".", [section, secrets.attribute_path(array.slice(path, 0, 2))])
	reported := {"type": section, "name": address, "address": address, "path": address, "values": {}}
}
