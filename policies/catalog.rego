# The rule catalogue: the runner feeds {"catalog_request": true} and reads one warning per
# rule, carrying its metadata. Rules produce nothing on that input (it has no resources).
package catalog

warn contains {"msg": meta.id, "metadata": meta} if {
	input.catalog_request
	some area, name
	meta := data.rules[area][name].metadata
}
