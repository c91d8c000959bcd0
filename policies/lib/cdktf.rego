# Helpers over the cdk.tf.json documents that `cdktf synth` writes; every rule imports them.
#
# Shape reminders (see cdktf.out/stacks/<stack>/cdk.tf.json):
#   resource.<type>.<name> = body; body["//"].metadata.path is the construct path
#   references are strings: "${aws_vpc.vpc_6776A399.id}",
#     cross-stack: "${data.terraform_remote_state.<input>.outputs.<output name>}"
#   a nested block may be an object or an array of objects
#   IAM/KMS policies are JSON strings
package lib.cdktf

# violation(meta, resource, msg), the one shape of a finding, is declared in violation.rego
# (from package lib, so that conftest does not mistake it for a check; see there).

# ---------------------------------------------------------------------------
# Resources

# One resource of the document. `path` falls back to the address for hand-written bodies.
resource(type, name, body) := {
	"type": type,
	"name": name,
	"address": address,
	"path": object.get(body, ["//", "metadata", "path"], address),
	"values": body,
} if {
	address := sprintf("%s.%s", [type, name])
}

# Every resource of `type` (empty when the document has none).
resources(type) := {resource(type, name, body) | some name, body in input.resource[type]}

# Every resource of the document.
all_resources contains resource(type, name, body) if {
	some type, by_name in input.resource
	some name, body in by_name
}

# The resource at a "type.name" address, if the document declares it.
at(address) := resource(type, name, input.resource[type][name]) if {
	[type, name] := split(address, ".")
}

# The resource a reference string points to, if it is declared in this document.
target(s) := at(ref_address(s))

# ---------------------------------------------------------------------------
# Values and blocks

# A nested block as an array: object -> [object], array -> itself, null/absent/token -> [].
blocks(x) := x if {
	is_array(x)
} else := [x] if {
	is_object(x)
} else := []

# A scalar-or-list attribute (Action, Resource, cidr_blocks, ...) as an array.
as_array(x) := x if {
	is_array(x)
} else := [v | some v in x] if {
	is_set(x)
} else := [] if {
	x == null
} else := [x]

non_empty_string(s) if {
	is_string(s)
	trim_space(s) != ""
}

# A tag value, or "" when the tag (or the whole tags map) is absent or not a literal map.
tag(values, key) := v if {
	is_object(values.tags)
	v := values.tags[key]
	is_string(v)
} else := ""

# A CIDR that means "anywhere", or almost: 0.0.0.0/0 and ::/0, and any range so large it
# is the internet by another name (0.0.0.0/1 and 128.0.0.0/1, the default route in halves;
# any IPv4 prefix shorter than /8; any IPv6 prefix shorter than /32, one ISP's allocation).
is_open_cidr(c) if c in {"0.0.0.0/0", "::/0"}

is_open_cidr(c) if {
	is_string(c)
	parts := split(c, "/")
	count(parts) == 2
	contains(parts[0], ".")
	to_number(parts[1]) < 8
}

is_open_cidr(c) if {
	is_string(c)
	parts := split(c, "/")
	count(parts) == 2
	contains(parts[0], ":")
	to_number(parts[1]) < 32
}

# from..to (numbers or numeric strings) includes port.
port_range_covers(from, to, port) if {
	to_number(from) <= port
	port <= to_number(to)
}

# ---------------------------------------------------------------------------
# References

# A ref may be wrapped in functions: "${element(aws_subnet.a.*.id, 0)}".
_ref_pattern := `\$\{(?:[a-z_]+\()*([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?`

is_ref(s) if {
	is_string(s)
	contains(s, "${")
}

# Address of the first thing a reference points to:
# "${aws_vpc.x.id}" -> "aws_vpc.x"; "${data.terraform_remote_state.s.outputs.o}" -> "data.terraform_remote_state.s".
ref_address(s) := address if {
	is_string(s)
	m := regex.find_all_string_submatch_n(_ref_pattern, s, 1)[0]
	address := _address(m)
}

_address(m) := sprintf("%s.%s", [m[1], m[2]]) if m[1] != "data"

_address(m) := sprintf("data.%s.%s", [m[2], m[3]]) if m[1] == "data"

# The resource type a reference points to ("aws_vpc" for "${aws_vpc.x.id}").
ref_type(s) := split(ref_address(s), ".")[0]

refers_to(s, resource) if ref_address(s) == resource.address

# Any element of a scalar-or-list attribute (subnet_ids, security_groups, ...) refers to resource.
any_refers_to(x, resource) if {
	some s in as_array(x)
	refers_to(s, resource)
}

# A comparable identity for an id attribute: the address it references, else the literal.
id_key(s) := ref_address(s) if {
	ref_address(s)
} else := s

# A customer-managed KMS key ARN: a reference to an aws_kms_key's arn in this stack, a
# cross-stack output of one (cdktf names it "cross-stack-output-aws_kms_key<id>arn"),
# or a literal key ARN. Aliases (alias/aws/logs, ...) are not: they may name AWS-managed keys.
is_kms_key_ref(s) if {
	is_string(s)
	regex.match(`^\$\{aws_kms_key\.[A-Za-z0-9_-]+\.arn\}$`, s)
}

is_kms_key_ref(s) if {
	is_string(s)
	regex.match(`^\$\{data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_-]*aws_kms_key[A-Za-z0-9_-]*arn\}$`, s)
}

is_kms_key_ref(s) if {
	is_string(s)
	regex.match(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`, s)
}

# ---------------------------------------------------------------------------
# Policy documents

# A policy attribute as a document: a JSON string (the usual case) or an object (overrides).
policy_document(p) := p if {
	is_object(p)
} else := doc if {
	is_string(p)
	json.is_valid(p)
	doc := json.unmarshal(p)
	is_object(doc)
}

# The Statement list of a policy, whether Statement is one object or an array.
statements(p) := blocks(object.get(policy_document(p), "Statement", []))

# The statement names everyone: "*", {"AWS": "*"}, {"AWS": [.., "*"]}, or any account ("arn:aws:iam::*:root").
principal_is_public(stmt) if stmt.Principal == "*"

principal_is_public(stmt) if {
	is_object(stmt.Principal)
	some value in stmt.Principal
	some p in as_array(value)
	_wildcard_principal(p)
}

_wildcard_principal(p) if p == "*"

_wildcard_principal(p) if {
	is_string(p)
	regex.match(`^arn:aws[a-z-]*:iam::\*:`, p)
}

# The statement's Condition restricts it (present and non-empty).
has_condition(stmt) if count(object.get(stmt, "Condition", {})) > 0

# ---------------------------------------------------------------------------
# Providers (regions)

# Every AWS provider of the document, as resources name it: "aws" (the default) or "aws.<alias>".
aws_providers contains "aws" if count(object.get(object.get(input, "provider", {}), "aws", [])) > 0

aws_providers contains sprintf("aws.%s", [p.alias]) if {
	some p in object.get(object.get(input, "provider", {}), "aws", [])
	p.alias
}

# The provider a resource is declared with ("aws" when it names none).
provider_of(r) := object.get(r.values, "provider", "aws")

# The region a provider ("aws" or "aws.<alias>") is configured for (absent when the
# document does not say, as in most test fixtures).
provider_region(name) := p.region if {
	name == "aws"
	some p in object.get(object.get(input, "provider", {}), "aws", [])
	not p.alias
} else := p.region if {
	some p in object.get(object.get(input, "provider", {}), "aws", [])
	sprintf("aws.%s", [object.get(p, "alias", "")]) == name
}

# The region a resource lives in, through its provider; the provider's name when the
# document does not configure regions (resources of one provider are in one region).
region_of(r) := region if {
	region := provider_region(provider_of(r))
} else := provider_of(r)

# Providers (regions) with no resource of `type`.
providers_without(type) := aws_providers - {provider_of(r) | some r in resources(type)}

# The providers resources may name: those declared, or the default one when a (test)
# document declares none.
providers_or_default := aws_providers if count(aws_providers) > 0

providers_or_default := {"aws"} if count(aws_providers) == 0
