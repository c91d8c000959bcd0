/**
 * Writes policies/data/taggable_resource_types.json: every Terraform resource type of the
 * pinned AWS provider whose configuration accepts `tags`. The tags rule (TAG-001) reads it,
 * so "taggable" means exactly what the provider we deploy with says, not a hand-kept list.
 *
 *   npx tsx scripts/platform/gen-taggable-types.ts
 *
 * Source: node_modules/@cdktf/provider-aws/lib/<dir>/index.d.ts. A resource is taggable when
 * its top-level config interface (`<Name>Config extends cdktf.TerraformMetaArguments`) declares
 * `readonly tags?:` (nested block interfaces, e.g. S3 lifecycle rule filters, also have
 * `tags` and must not count). Data sources (`data-aws-*`) and `provider` are skipped.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "fs";
import { join } from "path";

const PROVIDER_LIB = join(__dirname, "..", "..", "node_modules", "@cdktf", "provider-aws", "lib");
const OUTPUT = join(__dirname, "..", "..", "policies", "data", "taggable_resource_types.json");

const CONFIG_INTERFACE = /^export interface \w+ extends cdktf\.TerraformMetaArguments \{$/m;
const RESOURCE_TYPE = /static readonly tfResourceType = "([^"]+)";/;

/** The body of the top-level Config interface (up to its closing brace at column 0). */
function configInterface(declarations: string): string | undefined {
  const start = declarations.search(CONFIG_INTERFACE);
  if (start < 0) return undefined;
  const end = declarations.indexOf("\n}", start);
  return declarations.slice(start, end < 0 ? undefined : end);
}

/** Terraform resource types of the AWS provider whose config has a `tags` argument, sorted. */
export function taggableResourceTypes(libDir: string = PROVIDER_LIB): string[] {
  const types = new Set<string>();
  for (const dir of readdirSync(libDir)) {
    if (dir.startsWith("data-aws-") || dir === "provider") continue;
    const file = join(libDir, dir, "index.d.ts");
    if (!statSync(join(libDir, dir)).isDirectory() || !existsSync(file)) continue;
    const declarations = readFileSync(file, "utf8");
    const type = RESOURCE_TYPE.exec(declarations)?.[1];
    const config = configInterface(declarations);
    if (type && config && /^\s+readonly tags\?:/m.test(config)) types.add(type);
  }
  return [...types].sort();
}

if (require.main === module) {
  const types = taggableResourceTypes();
  if (types.length === 0) throw new Error(`no taggable resource types found under ${PROVIDER_LIB}; is @cdktf/provider-aws installed?`);
  writeFileSync(OUTPUT, JSON.stringify({ taggable_resource_types: types }, null, 2) + "\n");
  console.log(`wrote ${types.length} taggable resource types to ${OUTPUT}`);
}
