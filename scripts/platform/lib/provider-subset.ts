/**
 * The subset AWS provider: the provider's source with only the service packages our stacks
 * use registered, and only the AWS SDK clients that leaves reachable. The full provider
 * compiles 266 service packages and every AWS SDK client (~85 min, 9 GiB on 2 cores); the
 * subset compiles what the stacks need (~9 min, 3.8 GiB), and validates those types with the
 * provider's own schemas and validators, unchanged.
 *
 * Two generated files decide what is compiled in:
 * - internal/provider/sdkv2/service_packages_gen.go: the one registry of service packages.
 *   The framework provider reads the same list (AWSClient.ServicePackages, which the SDKv2
 *   provider fills from it), so there is no second registry to rewrite.
 * - internal/conns/awsclient_gen.go: one accessor per AWS SDK client, which imports every
 *   SDK service module; only the accessors code compiled into the subset calls are kept.
 * Each service package's service_package_gen.go lists the resource and data source types it
 * registers, which is how a stack's types map to packages: nothing here is a kept list.
 *
 * Pure file reading and text rewriting; the build itself is in opentofu.ts.
 */
import { spawnSync } from "child_process";
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { join, posix } from "path";
import { ToolError } from "./tools";

export const SERVICE_REGISTRY_FILE = "internal/provider/sdkv2/service_packages_gen.go";
export const CLIENT_LIST_FILE = "internal/conns/awsclient_gen.go";
const SERVICE_DIR = "internal/service";

/** What a Terraform type is in a configuration: a managed resource, a data source or an ephemeral resource. */
export type TypeKind = "resource" | "data source" | "ephemeral resource";

/** Registration sections of service_package_gen.go, by the kind of type each registers. */
const SECTION_KINDS: Record<string, TypeKind> = {
  SDKResources: "resource",
  FrameworkResources: "resource",
  SDKDataSources: "data source",
  FrameworkDataSources: "data source",
  EphemeralResources: "ephemeral resource",
};

/** `kind type` -> service package (folder name under internal/service). */
export type Registrations = Map<string, string>;
const registrationKey = (kind: TypeKind, type: string) => `${kind} ${type}`;

/**
 * Every type each service package registers, read from its generated registration. A type
 * registered by two packages is a provider we do not understand: refused, not guessed.
 */
export function readRegistrations(moduleDir: string): Registrations {
  const serviceRoot = join(moduleDir, SERVICE_DIR);
  if (!existsSync(serviceRoot)) throw new ToolError(`${serviceRoot} does not exist: not a terraform-provider-aws source tree`);
  const registrations: Registrations = new Map();
  for (const pkg of readdirSync(serviceRoot).sort()) {
    const file = join(serviceRoot, pkg, "service_package_gen.go");
    if (!existsSync(file)) continue;
    // Sections are the servicePackage's methods; each lists `TypeName: "aws_..."` entries.
    const sections = readFileSync(file, "utf8").split(/^func \(p \*servicePackage\) /m).slice(1);
    for (const section of sections) {
      const kind = SECTION_KINDS[/^\w+/.exec(section)![0]];
      if (!kind) continue; // list resources and actions: not configuration blocks
      for (const match of section.matchAll(/TypeName:\s*"([a-z0-9_]+)"/g)) {
        const key = registrationKey(kind, match[1]);
        const other = registrations.get(key);
        if (other && other !== pkg) throw new ToolError(`${kind} ${match[1]} is registered by two service packages, ${other} and ${pkg}; cannot choose one`);
        registrations.set(key, pkg);
      }
    }
  }
  if (registrations.size === 0) throw new ToolError(`no service_package_gen.go under ${serviceRoot} registers a type`);
  return registrations;
}

/** The configuration sections whose keys are types, by kind. */
const CONFIG_SECTIONS: Record<string, TypeKind> = { resource: "resource", data: "data source", ephemeral: "ephemeral resource" };

/** A type some stack declares, with the stacks that declare it (for messages). */
export interface DeclaredType {
  readonly kind: TypeKind;
  readonly type: string;
  readonly stacks: readonly string[];
}

/**
 * Every type the stacks declare that the AWS provider must serve. Types of OpenTofu's
 * built-in `terraform` provider (terraform_remote_state, terraform_data) need no provider;
 * any other provider is refused, because the mirror holds only the AWS provider.
 */
export function declaredAwsTypes(stacks: readonly { name: string; config: Record<string, unknown> }[]): DeclaredType[] {
  const found = new Map<string, { kind: TypeKind; type: string; stacks: Set<string> }>();
  for (const stack of stacks) {
    for (const [section, kind] of Object.entries(CONFIG_SECTIONS)) {
      for (const type of Object.keys((stack.config[section] as Record<string, unknown> | undefined) ?? {})) {
        const provider = type.split("_")[0];
        if (provider === "terraform") continue;
        if (provider !== "aws") {
          throw new ToolError(`${stack.name}: ${kind} ${type} belongs to the ${provider} provider; validate builds only the AWS provider, so add ${provider} to scripts/platform/lib/opentofu.ts first`);
        }
        const key = registrationKey(kind, type);
        const entry = found.get(key) ?? { kind, type, stacks: new Set<string>() };
        entry.stacks.add(stack.name);
        found.set(key, entry);
      }
    }
  }
  return [...found.values()].map((e) => ({ kind: e.kind, type: e.type, stacks: [...e.stacks].sort() })).sort((a, b) => a.type.localeCompare(b.type) || a.kind.localeCompare(b.kind));
}

/**
 * The sorted service packages that register the declared types. A type no package registers
 * fails here, naming the type, its stacks and the provider source, before anything is built.
 */
export function servicePackagesFor(types: readonly DeclaredType[], registrations: Registrations, providerLabel: string): string[] {
  const unknown = types.filter((t) => !registrations.has(registrationKey(t.kind, t.type)));
  if (unknown.length > 0) {
    throw new ToolError(
      `${unknown.map((t) => `${t.kind} ${t.type} (in ${t.stacks.join(", ")})`).join("; ")}: no service package of ${providerLabel} registers ` +
        `${unknown.length === 1 ? "it" : "them"}. Check the type name, or move the provider to a version that has ${unknown.length === 1 ? "it" : "them"} (scripts/platform/lib/opentofu.ts).`,
    );
  }
  return [...new Set(types.map((t) => registrations.get(registrationKey(t.kind, t.type))!))].sort();
}

/** Import lines of a Go file's import block: path, and the name the file uses for it. */
interface GoImport {
  readonly line: string;
  readonly path: string;
  readonly name: string;
}

function importBlock(source: string, file: string): { start: number; end: number; imports: GoImport[] } {
  const match = /^import \(\n([\s\S]*?)^\)\n/m.exec(source);
  if (!match) throw new ToolError(`${file}: no import block; the generator's output changed, update scripts/platform/lib/provider-subset.ts`);
  const imports: GoImport[] = [];
  for (const line of match[1].split("\n")) {
    const spec = /^\s*(?:([\w.]+)\s+)?"([^"]+)"\s*$/.exec(line);
    if (spec) imports.push({ line, path: spec[2], name: spec[1] ?? spec[2].split("/").pop()! });
  }
  return { start: match.index, end: match.index + match[0].length, imports };
}

/** Drops the import lines whose name the rest of the file no longer uses. */
function pruneImports(source: string, file: string): string {
  const block = importBlock(source, file);
  const body = source.slice(block.end);
  const kept = block.imports.filter((i) => i.name === "_" || new RegExp(`\\b${i.name.replace(".", "\\.")}\\.`).test(body));
  const header = source.slice(0, block.start);
  const lines = source.slice(block.start, block.end).split("\n");
  const keptLines = new Set(kept.map((i) => i.line));
  const text = lines.filter((l) => !/"[^"]+"\s*$/.test(l) || keptLines.has(l)).join("\n").replace(/\n{3,}/g, "\n\n");
  return header + text + body;
}

/** service_packages_gen.go with only `keep` registered; every kept package must be in it. */
export function rewriteServiceRegistry(source: string, keep: readonly string[]): string {
  const registered = new Set([...source.matchAll(/^\t\t(\w+)\.ServicePackage\(ctx\),$/gm)].map((m) => m[1]));
  if (registered.size === 0) throw new ToolError(`${SERVICE_REGISTRY_FILE}: no \`<pkg>.ServicePackage(ctx),\` entries; the generator's output changed, update scripts/platform/lib/provider-subset.ts`);
  const missing = keep.filter((p) => !registered.has(p));
  if (missing.length > 0) throw new ToolError(`${SERVICE_REGISTRY_FILE} does not register ${missing.join(", ")}`);
  const wanted = new Set(keep);
  const body = source.replace(/^\t\t(\w+)\.ServicePackage\(ctx\),\n/gm, (line, pkg: string) => (wanted.has(pkg) ? line : ""));
  return pruneImports(body, SERVICE_REGISTRY_FILE);
}

/** The client accessors awsclient_gen.go defines, by method name. */
export function clientAccessors(source: string): string[] {
  return [...source.matchAll(/^func \(c \*AWSClient\) (\w+)\(/gm)].map((m) => m[1]);
}

/** awsclient_gen.go with only the accessors in `keep`. */
export function rewriteClientList(source: string, keep: ReadonlySet<string>): string {
  const methods = source.split(/\n(?=func \(c \*AWSClient\) )/);
  const [head, ...rest] = methods;
  const kept = rest.filter((m) => keep.has(/^func \(c \*AWSClient\) (\w+)\(/.exec(m)![1]));
  return pruneImports([head, ...kept].join("\n").replace(/\n*$/, "\n"), CLIENT_LIST_FILE);
}

/** Non-test Go files of one package folder (relative to the module root, forward slashes). */
function packageFiles(moduleDir: string, dir: string): string[] {
  const full = join(moduleDir, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".go") && !e.name.endsWith("_test.go"))
    .map((e) => posix.join(dir, e.name))
    .sort();
}

/** Every import path of a Go source file (block and single-line forms). */
export function goImports(source: string): string[] {
  const paths: string[] = [];
  for (const block of source.matchAll(/^import\s*\(([\s\S]*?)^\)/gm)) for (const m of block[1].matchAll(/"([^"]+)"/g)) paths.push(m[1]);
  for (const m of source.matchAll(/^import\s+(?:[\w.]+\s+)?"([^"]+)"/gm)) paths.push(m[1]);
  return paths;
}

/**
 * The module's own packages `go build .` compiles, given the sources that replace files of the
 * module (the rewritten registry), found by following imports from the main package. Build
 * constraints other than `ignore` are not evaluated: a file for another platform only adds
 * accessors to the kept set, which costs a little build time, never a missing symbol.
 */
export function compiledModuleFiles(moduleDir: string, modulePath: string, replaced: ReadonlyMap<string, string>): Map<string, string> {
  const files = new Map<string, string>();
  const seen = new Set<string>();
  const queue = ["."];
  while (queue.length > 0) {
    const dir = queue.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    for (const file of packageFiles(moduleDir, dir)) {
      const source = replaced.get(file) ?? readFileSync(join(moduleDir, file), "utf8");
      if (/^\/\/go:build ignore$/m.test(source)) continue;
      files.set(file, source);
      for (const path of goImports(source)) {
        if (path === modulePath) queue.push(".");
        else if (path.startsWith(`${modulePath}/`)) queue.push(path.slice(modulePath.length + 1));
      }
    }
  }
  return files;
}

/** The accessors some compiled file other than the client list itself names. */
export function usedClientAccessors(files: ReadonlyMap<string, string>, accessors: readonly string[]): Set<string> {
  const known = new Set(accessors);
  const used = new Set<string>();
  for (const [file, source] of files) {
    if (file === CLIENT_LIST_FILE) continue;
    for (const m of source.matchAll(/\b(\w+Client)\b/g)) if (known.has(m[1])) used.add(m[1]);
  }
  return used;
}

/** What a subset staging copy contains: the registered packages and the kept client accessors. */
export interface SubsetPlan {
  readonly servicePackages: readonly string[];
  readonly clientAccessors: readonly string[];
  readonly totalServicePackages: number;
  readonly totalClientAccessors: number;
  /** Relative path -> new content of the two rewritten files. */
  readonly rewritten: ReadonlyMap<string, string>;
}

/** Works out the two rewritten files for `servicePackages`, reading (never writing) the module. */
export function planSubset(moduleDir: string, modulePath: string, servicePackages: readonly string[]): SubsetPlan {
  const registrySource = readFileSync(join(moduleDir, SERVICE_REGISTRY_FILE), "utf8");
  const registry = rewriteServiceRegistry(registrySource, servicePackages);
  const clientSource = readFileSync(join(moduleDir, CLIENT_LIST_FILE), "utf8");
  const accessors = clientAccessors(clientSource);
  const compiled = compiledModuleFiles(moduleDir, modulePath, new Map([[SERVICE_REGISTRY_FILE, registry]]));
  const used = usedClientAccessors(compiled, accessors);
  return {
    servicePackages: [...servicePackages],
    clientAccessors: accessors.filter((a) => used.has(a)),
    totalServicePackages: [...registrySource.matchAll(/^\t\t\w+\.ServicePackage\(ctx\),$/gm)].length,
    totalClientAccessors: accessors.length,
    rewritten: new Map([
      [SERVICE_REGISTRY_FILE, registry],
      [CLIENT_LIST_FILE, rewriteClientList(clientSource, used)],
    ]),
  };
}

/** Copies the module to `stagingDir` (writable) and writes the plan's rewritten files there. */
export function stageSubset(moduleDir: string, stagingDir: string, plan: SubsetPlan): void {
  cpSync(moduleDir, stagingDir, { recursive: true });
  // The module cache is read-only; the copy must be writable to rewrite and later remove it.
  const chmod = spawnSync("chmod", ["-R", "u+w", stagingDir]);
  if (chmod.status !== 0) throw new ToolError(`chmod -R u+w ${stagingDir} failed: ${chmod.stderr}`);
  for (const [file, text] of plan.rewritten) writeFileSync(join(stagingDir, file), text, { mode: 0o644 });
}
