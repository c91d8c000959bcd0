# data.lib.cdktf.violation(meta, resource, msg): the one shape of a finding; the runner
# depends on every key.
#
# Why it is declared here, from package lib, with a ref head: conftest treats every rule
# whose *name* is deny*, violation* or warn* as a check and, with --all-namespaces, queries
# it in every package. A function named `violation` inside package lib.cdktf would be queried
# as a rule and abort the run ("function ... used as reference, not called"). Declared as
# `cdktf.violation` from the parent package it is the same data.lib.cdktf.violation to
# callers (`import data.lib.cdktf` ... `cdktf.violation(...)`), but has no such name.
# (`opa fmt` / `conftest fmt` spell the ref head cdktf["violation"]; it is the same thing.)
package lib

cdktf["violation"](meta, resource, msg) := {
	"msg": sprintf("%s %s: %s", [meta.id, resource.path, msg]),
	"rule_id": meta.id,
	"title": meta.title,
	"severity": meta.severity,
	"hipaa": meta.hipaa,
	"fix": meta.fix,
	"resource_path": resource.path,
	"address": resource.address,
}
