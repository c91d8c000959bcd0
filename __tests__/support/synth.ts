import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { App } from "cdktf";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { EnvironmentConfig } from "../../modules/config/schema";
import { ORGANIZATION, OrganizationConfig } from "../../modules/config/organization";
import { SYNTH_FIXTURE_ENV } from "./synth-fixture";

export { SYNTH_FIXTURE_ENV };

/** One resource of a synthesized stack. */
export interface SynthResource {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  /** Terraform address, e.g. `aws_vpc.vpc_6776A399`. */
  readonly address: string;
  /** Construct path, e.g. `dev-network/vpc/vpc`. */
  readonly path: string;
  readonly values: Record<string, any>;
}

export interface SynthesizedApp {
  readonly outdir: string;
  /** stack name -> parsed cdk.tf.json */
  readonly stacks: Record<string, any>;
  /** Path of a stack's cdk.tf.json. */
  file(stack: string): string;
  /** Every resource of `type` across all stacks (or one stack). */
  resources(type: string, stack?: string): SynthResource[];
}


/**
 * The given environments (default: all) and organization (default: the configured one)
 * synthesized into a fresh temp directory the caller owns (and may change or delete). The
 * defaults, unchanged, are a copy of the run's shared synth when there is one: the same code
 * on the same config gives the same output.
 */
export function synthesize(
  environments?: readonly EnvironmentConfig[],
  organization: OrganizationConfig | undefined = ORGANIZATION,
): SynthesizedApp {
  const fixture = process.env[SYNTH_FIXTURE_ENV];
  if (isEveryEnvironmentUnchanged(environments) && organization === ORGANIZATION && fixture && existsSync(join(fixture, "stacks"))) {
    const outdir = mkdtempSync(join(tmpdir(), "medicare-synth-"));
    cpSync(fixture, outdir, { recursive: true });
    return readSynthesized(outdir);
  }
  return synthesizeFresh(environments, undefined, organization);
}

/**
 * main.ts, loaded on first use: with it come cdktf, the provider classes and every construct
 * (over a second per test file), which a file that reads only the shared synth never needs.
 */
function appModule(): typeof import("../../main") {
  return require("../../main");
}

/** True for no selection, or for every environment in order, each the configuration itself (what the shared synth built). */
function isEveryEnvironmentUnchanged(environments?: readonly EnvironmentConfig[]): boolean {
  const all = Object.values(ENVIRONMENTS);
  return environments === undefined || (environments.length === all.length && environments.every((env, i) => env === all[i]));
}

/** Synthesizes the given environments (default: all) and organization (default: the configured one) now, never from the shared synth. */
export function synthesizeFresh(
  environments: readonly EnvironmentConfig[] = Object.values(ENVIRONMENTS),
  prefix?: string,
  organization: OrganizationConfig | undefined = ORGANIZATION,
): SynthesizedApp {
  return synthesizeWith((app) => appModule().buildApp(app, environments, organization), prefix);
}

/** Synthesizes whatever `build` adds to a fresh app (e.g. a test stack) into a fresh temp directory. */
export function synthesizeWith(build: (app: App) => void, prefix = "medicare-synth-"): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), prefix));
  const { App } = require("cdktf") as typeof import("cdktf");
  const app = new App({ outdir });
  appModule().withPlainStackTraces(() => {
    build(app);
    app.synth();
  });
  return readSynthesized(outdir);
}

function readSynthesized(outdir: string): SynthesizedApp {
  const stackDir = join(outdir, "stacks");
  const stacks: Record<string, any> = {};
  for (const name of readdirSync(stackDir)) {
    stacks[name] = JSON.parse(readFileSync(join(stackDir, name, "cdk.tf.json"), "utf8"));
  }
  return {
    outdir,
    stacks,
    file: (stack) => join(stackDir, stack, "cdk.tf.json"),
    resources: (type, only) =>
      Object.entries(stacks)
        .filter(([stack]) => !only || stack === only)
        .flatMap(([stack, doc]) => allResources(stack, doc).filter((r) => r.type === type)),
  };
}

/** Every resource of every type in a stack document. */
export function allResources(stack: string, doc: any): SynthResource[] {
  return Object.entries<Record<string, any>>(doc.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries<any>(byName).map(([name, values]) => ({
      stack,
      type,
      name,
      address: `${type}.${name}`,
      path: values["//"]?.metadata?.path,
      values,
    })),
  );
}

/** The region a resource's provider is configured for (its `provider` alias, else the default provider), if the document says. */
export function regionOf(doc: any, body: any): string | undefined {
  const alias = typeof body?.provider === "string" ? body.provider.replace(/^aws\.?/, "") : "";
  return [doc.provider?.aws ?? []].flat().find((p: any) => (p.alias ?? "") === alias)?.region;
}

/** Every statement of the literal JSON policy documents a synthesized resource holds (top level or inline). */
export function policyStatements(body: any): any[] {
  const documents = [body.policy, body.assume_role_policy, body.policy_document, ...(body.inline_policy ?? []).map((p: any) => p.policy)];
  return documents.flatMap((text) => {
    if (typeof text !== "string" || !text.trimStart().startsWith("{")) return [];
    const statement = JSON.parse(text).Statement ?? [];
    return Array.isArray(statement) ? statement : [statement];
  });
}

