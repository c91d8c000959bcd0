import { App } from "cdktf";
import { prepareFunctionBundles } from "./modules/compute/bundle";
import { CampaignStack } from "./modules/campaign/campaign-stack";
import { ENVIRONMENTS } from "./modules/config/environments";
import { EnvironmentConfig } from "./modules/config/schema";
import { DataStack } from "./modules/data/data-stack";
import { EdgeStack } from "./modules/edge/edge-stack";
import { ConfigError, selectEnvironments, validateEnvironments } from "./modules/config/validate";
import { NetworkStack } from "./modules/network/network-stack";
import { ORGANIZATION, OrganizationConfig, organizationProblems } from "./modules/config/organization";
import { OrganizationDetectionStack } from "./modules/organization/organization-detection-stack";
import { OrganizationStack } from "./modules/organization/organization-stack";
import { SecurityStack } from "./modules/security/security-stack";

/** Builds every stack of the given environments into `app`, and the organization's stacks when one is given. */
export function buildApp(app: App, environments: readonly EnvironmentConfig[], organization?: OrganizationConfig): App {
  if (organization) {
    new OrganizationStack(app, organization, environments);
    new OrganizationDetectionStack(app, organization, environments);
  }
  for (const env of environments) {
    const security = new SecurityStack(app, env);
    const network = new NetworkStack(app, env, security);
    const data = new DataStack(app, env, security, network);
    const edge = new EdgeStack(app, env, security, network);
    new CampaignStack(app, env, security, network, data, edge);
  }
  return app;
}

/** `--env dev,prod` or MEDICARE_ENV=dev,prod selects environments (and `organization` the organization's stacks); the default is all of them. */
function environmentSelection(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === "--env" || a.startsWith("--env="));
  if (i < 0) return process.env.MEDICARE_ENV;
  const value = argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  if (!value || value.startsWith("--")) throw new ConfigError(["--env needs a value, e.g. --env dev or --env dev,prod"]);
  return value;
}

/** How much of a stack trace cdktf keeps for each token it creates (see withPlainStackTraces). */
export interface StackTraceOptions {
  /**
   * false: none. cdktf prints a token's creation stack only in a resolution error's message;
   * formatting one for each of the thousands of tokens was a fifth of a bundled synth's
   * time. `npm run synth` leaves them out and, when it fails, says how to rerun with them.
   */
  readonly tokenCreationStacks?: boolean;
}

/**
 * Runs `work` with plain (not source-mapped) stack traces. cdktf records a stack trace for
 * every token it creates, tens of thousands per synth, and mapping each through source maps
 * (tsx's, or Jest's source-map-support) was a third of the synth's time. An error thrown
 * meanwhile is still mapped: V8 formats a stack when it is first read, after this returns.
 * cdktf captures token stacks on plain objects, never on errors, so with
 * `tokenCreationStacks: false` those alone come out empty.
 */
export function withPlainStackTraces<T>(work: () => T, options: StackTraceOptions = {}): T {
  const sourceMaps = process.sourceMapsEnabled;
  const errors: { prepareStackTrace?: unknown } = Error;
  const prepare = errors.prepareStackTrace;
  process.setSourceMapsEnabled(false);
  errors.prepareStackTrace = options.tokenCreationStacks === false ? errorStacksOnly : undefined;
  try {
    return work();
  } finally {
    errors.prepareStackTrace = prepare;
    process.setSourceMapsEnabled(sourceMaps);
  }
}

/** V8's stack format for errors; nothing for a stack captured on any other object. */
function errorStacksOnly(target: unknown, frames: readonly unknown[]): string {
  if (!(target instanceof Error)) return "";
  return frames.length === 0 ? String(target) : `${target}\n    at ${frames.join("\n    at ")}`;
}

/**
 * `organization` in the selection picks the organization's stacks; no selection picks them
 * and every environment; a selection of environments alone leaves the organization out.
 */
function splitOrganization(selection: string | undefined): { environments: string | undefined; organization: boolean } {
  if (selection === undefined || selection.trim() === "") return { environments: selection, organization: true };
  const names = selection.split(",").map((s) => s.trim());
  const environments = names.filter((n) => n !== "organization").join(",");
  return { environments, organization: names.includes("organization") };
}

/**
 * Synthesizes the selected environments and organization, every function bundle made ready
 * first (from the bundle cache, or built all at once).
 */
async function synthesizeSelected(argv: readonly string[], options: StackTraceOptions): Promise<void> {
  validateEnvironments(ENVIRONMENTS);
  const organizationErrors = ORGANIZATION ? organizationProblems(ORGANIZATION, ENVIRONMENTS) : [];
  if (organizationErrors.length > 0) throw new ConfigError(organizationErrors);
  const selection = splitOrganization(environmentSelection(argv));
  const selected = selection.environments === "" ? [] : selectEnvironments(ENVIRONMENTS, selection.environments);
  if (selected.length > 0) await prepareFunctionBundles();
  const app = withPlainStackTraces(() => buildApp(new App(), selected, selection.organization ? ORGANIZATION : undefined), options);
  withPlainStackTraces(() => app.synth(), options);
  const stacks = app.node.children.map((stack) => stack.node.id).join(", ");
  console.log(`Synthesized ${stacks} to ${app.outdir}/stacks/<stack>/cdk.tf.json`);
}

/**
 * The command line (`node --require tsx/cjs main.ts`, or scripts/platform/synth.js running the
 * bundled app): a configuration error is printed with what to change, and exits 2.
 */
export function main(argv: readonly string[], options: StackTraceOptions = {}): Promise<void> {
  return synthesizeSelected(argv, options).catch((error) => {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  });
}

// Any other error rejects, and Node prints it and exits 1.
if (require.main === module) void main(process.argv.slice(2));
