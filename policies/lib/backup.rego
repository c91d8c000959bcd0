# Helpers shared by the AWS Backup rules (BAK-xxx): where a resource lives (provider alias
# or per-resource region), which vault a name refers to, and what a schedule means.
package lib.backup

import data.lib.cdktf

# ---------------------------------------------------------------------------
# Regions

# The provider a resource uses: "aws" (the default) or "aws.<alias>".
provider_name(values) := name if {
	p := object.get(values, "provider", null)
	is_string(p)
	name := trim_suffix(trim_prefix(p, "${"), "}")
} else := "aws"

# The region configured for a provider name, from the document's provider blocks.
provider_region(name) := region if {
	some config in cdktf.blocks(object.get(object.get(input, "provider", {}), "aws", null))
	_configured_name(config) == name
	region := config.region
	is_string(region)
}

_configured_name(config) := sprintf("aws.%s", [config.alias]) if {
	is_string(object.get(config, "alias", null))
} else := "aws"

# The region a resource lives in: its own `region` argument (AWS provider v6), else its
# provider's region. Undefined when neither is a literal.
region_of(resource) := region if {
	region := resource.values.region
	is_string(region)
} else := provider_region(provider_name(resource.values))

# Where a resource lives, for comparing two resources: the region when known, else the
# provider name (two resources of one provider live in the same region).
placement(resource) := region_of(resource)

placement(resource) := provider_name(resource.values) if not region_of(resource)

# ---------------------------------------------------------------------------
# Vaults

# A backup_vault_name (a reference to the vault's name or id, or the literal name) names `vault`.
names_vault(name, vault) if cdktf.refers_to(name, vault)

names_vault(name, vault) if {
	not cdktf.is_ref(name)
	name == vault.values.name
}

# The resources of `type` (locks, policies) that attach to `vault` in its own region.
attached(type, vault) := {r |
	some r in cdktf.resources(type)
	names_vault(object.get(r.values, "backup_vault_name", null), vault)
	placement(r) == placement(vault)
}

# ---------------------------------------------------------------------------
# Schedules

# An AWS Backup cron expression that runs every day (or more often): any minutes and hours,
# every day of the month, every month, every day of the week.
is_daily_cron(schedule) if {
	is_string(schedule)
	fields := regex.find_all_string_submatch_n(`^cron\(\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*\)$`, trim_space(schedule), 1)[0]
	fields[3] in {"*", "?"}
	fields[4] == "*"
	fields[5] in {"*", "?"}
}

# ---------------------------------------------------------------------------
# Retention

# Days a lifecycle block keeps recovery points; absent lifecycle or delete_after = forever.
forever := 36500000

retention_days(lifecycle_block) := days if {
	some l in cdktf.blocks(lifecycle_block)
	d := object.get(l, "delete_after", null)
	d != null
	days := to_number(d)
} else := forever if {
	count([l | some l in cdktf.blocks(lifecycle_block); object.get(l, "delete_after", null) != null]) == 0
}
