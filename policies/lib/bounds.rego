# Reading policies/data/bounds.json: every declared bound with its path parsed, and the values
# a path reaches in a resource (docs/policy-data.md describes the file).
#
# A path is dotted through nested blocks: `default_cache_behavior.viewer_protocol_policy`.
# When a step meets a list (cdktf writes a nested block as an object or a list of them, and
# list attributes as lists), it applies to every element. A step may select elements by a
# field: `parameter[name=tls_version].value` reaches only the parameter named tls_version.
package lib.bounds

# Each bound with "steps": [{"key": k, "field": f, "equals": v}] (field/equals only for selections).
declared := [object.union(b, {"steps": steps(b.path)}) | some b in data.bounds]

# A dotted path as steps (the path syntax is shared with WIR-001's owned references).
steps(path) := [_step(s) | some s in split(path, ".")]

# The values a dotted path reaches in a resource body (lists flattened at every step).
at_path(body, path) := reached(body, s, count(s)) if s := steps(path)

_step(s) := {"key": m[1], "field": m[3], "equals": m[4]} if {
	m := regex.find_all_string_submatch_n(`^([^\[\]]+)(\[([^=\]]+)=([^\]]*)\])?$`, s, 1)[0]
	m[3] != ""
} else := {"key": s}

# Types with at least one bound.
types := {b.type | some b in data.bounds}

_elements(x) := x if is_array(x)

else := [x]

_selected(element, step) if not step.field

_selected(element, step) if {
	is_object(element)
	sprintf("%v", [object.get(element, step.field, null)]) == step.equals
}

# One step from every node: the non-null children under the step's key, lists flattened.
_next(nodes, step) := [child |
	some node in nodes
	is_object(node)
	some child in _elements(object.get(node, step.key, null))
	child != null
	_selected(child, step)
]

# The nodes reached from `body` by the first n steps (paths of up to 6 steps; Rego has no
# recursion, so each depth is spelled out).
_r1(body, steps) := _next([body], steps[0])

_r2(body, steps) := _next(_r1(body, steps), steps[1])

_r3(body, steps) := _next(_r2(body, steps), steps[2])

_r4(body, steps) := _next(_r3(body, steps), steps[3])

_r5(body, steps) := _next(_r4(body, steps), steps[4])

_r6(body, steps) := _next(_r5(body, steps), steps[5])

reached(body, _, 0) := [body]

reached(body, steps, 1) := _r1(body, steps)

reached(body, steps, 2) := _r2(body, steps)

reached(body, steps, 3) := _r3(body, steps)

reached(body, steps, 4) := _r4(body, steps)

reached(body, steps, 5) := _r5(body, steps)

reached(body, steps, 6) := _r6(body, steps)

# The values at the end of the path.
values(body, bound) := reached(body, bound.steps, count(bound.steps))


# The step at index i finds nothing under some node reached before it: the path is absent there.
absent(body, bound) if {
	some i in numbers.range(0, count(bound.steps) - 1)
	some node in reached(body, bound.steps, i)
	count(_next([node], bound.steps[i])) == 0
}
