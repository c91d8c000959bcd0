# What a literal credential looks like in cdk.tf.json; used by the secrets rules (SEC-xxx).
# The same patterns are in modules/compute/secret-patterns.ts (NodeFunction's environment
# check and the Jest scan of every synthesized string).
package lib.secrets

import data.lib.cdktf

# PEM armour of a private key (PKCS#1, PKCS#8, encrypted PKCS#8, EC, DSA, OpenSSH).
pem_private_key_pattern := `-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----`

# An AWS access key id (long-term AKIA, temporary ASIA, and the other documented prefixes),
# not part of a longer run of capitals and digits.
access_key_id_pattern := `(^|[^A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}([^A-Z0-9]|$)`

# What key material `s` holds, if any.
key_material(s) := "a PEM private key" if {
	regex.match(pem_private_key_pattern, s)
} else := "an AWS access key id" if {
	regex.match(access_key_id_pattern, s)
}

# Attribute names that hold a credential when their value is a literal: the word itself or a
# name ending in _<word> (master_password, auth_token).
credential_words := {
	"password", "passwd", "secret_string", "secret_binary", "secret_key", "secret_access_key",
	"access_key", "token", "api_key", "private_key", "client_secret",
}

# Names that end in a credential word but hold no secret: idempotency tokens, and the
# switch that lets RDS manage (generate and rotate) the master password.
not_credentials := {"creation_token", "client_token", "idempotency_token", "manage_master_user_password"}

credential_attribute(name) if {
	is_string(name)
	key := lower(name)
	not key in not_credentials
	some word in credential_words
	_names_word(key, word)
}

_names_word(key, word) if key == word

_names_word(key, word) if endswith(key, concat("", ["_", word]))

# Environment variable names that announce a secret; names ending in _ARN, _NAME or _FILE
# point to where a secret is kept, which is the right way.
secret_env_name(name) if {
	regex.match(`(?i)(^|[_-])(PASS(WORD|WD)?|PWD|SECRETS?|TOKEN|API[_-]?KEY|ACCESS[_-]?KEY|SECRET[_-]?KEY|PRIVATE[_-]?KEY|CREDENTIALS?)([_-]|$)`, name)
	not regex.match(`(?i)_(ARN|NAME|FILE)$`, name)
}

# A literal: a non-empty string that is not (and does not contain) a Terraform expression.
literal(value) if {
	cdktf.non_empty_string(value)
	not cdktf.is_ref(value)
}

# Shell-style assignments of a credential in user data (PASSWORD=..., token: ...), with a
# value that is not a variable or command substitution.
user_data_assignment_pattern := `(?i)(password|passwd|secret_?key|access_?key|token)["']?\s*[=:]\s*["']?[^\s"'$]{6,}`

# The texts of user data: as written, and decoded when it is base64 (user_data_base64,
# launch templates).
user_data_texts(value) := {value} | {decoded | base64.is_valid(value); decoded := base64.decode(value)} if is_string(value)

# The parts of a document, other than resources, that can carry credentials, each with a
# pseudo-resource to report: provider blocks, the backend and data sources.
config_blocks contains {"reported": {"type": "provider", "name": name, "address": address, "path": address, "values": block}, "body": block} if {
	some name, blocks in input.provider
	some i, block in cdktf.as_array(blocks)
	address := sprintf("provider.%s[%d]", [name, i])
}

config_blocks contains {"reported": {"type": "backend", "name": name, "address": address, "path": address, "values": block}, "body": block} if {
	some name, block in input.terraform.backend
	address := sprintf("terraform.backend.%s", [name])
}

config_blocks contains {"reported": cdktf.resource(sprintf("data.%s", [type]), name, body), "body": body} if {
	some type, by_name in input.data
	some name, body in by_name
}

# A walk() path as dotted text: ["environment", "variables", "X"] -> "environment.variables.X".
attribute_path(path) := concat(".", [sprintf("%v", [p]) | some p in path])

# Blocks whose credential-named attributes hold no credential: Cognito's token_validity_units
# says in which unit ("minutes", "hours", "days") each token's lifetime is given.
non_credential_blocks := {"token_validity_units"}

in_non_credential_block(path) if {
	some p in path
	p in non_credential_blocks
}
