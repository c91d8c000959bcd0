/**
 * npm run tools [-- --opentofu]: installs the pinned tools the tests need into .tools/
 * (idempotent); --opentofu also builds OpenTofu and the AWS provider mirror for npm run validate:
 * the provider subset for the service packages the synthesized stacks use (synthesizing first
 * when the output is stale), rebuilt when a stack starts using a new service.
 */
import { ensureAwsProviderMirror, ensureOpenTofu, MIRROR_FIRST_CLI_CONFIG, OFFLINE_CLI_CONFIG, PROVIDER_MIRROR_DIR, versionGapLine } from "./lib/opentofu";
import { synthesizedStacks } from "./lib/synth";
import { ensureConftest, ToolError } from "./lib/tools";

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--opentofu");
if (unknown.length > 0) {
  process.stderr.write(`tools: unknown argument ${unknown[0]}\nUsage: npm run tools [-- --opentofu]\n`);
  process.exit(2);
}

try {
  const conftest = ensureConftest();
  process.stdout.write(`conftest: ${conftest}\n`);
  if (args.includes("--opentofu")) {
    process.stdout.write(`tofu: ${ensureOpenTofu()}\n`);
    const build = ensureAwsProviderMirror(synthesizedStacks((l) => process.stderr.write(`${l}\n`)));
    process.stdout.write(`aws provider mirror: ${PROVIDER_MIRROR_DIR}\n${versionGapLine(build)}\n`);
    process.stdout.write(`CLI config, offline: ${OFFLINE_CLI_CONFIG}\nCLI config, mirror then registry (cdktf diff): ${MIRROR_FIRST_CLI_CONFIG}\n`);
  }
} catch (error) {
  if (!(error instanceof ToolError)) throw error;
  process.stderr.write(`tools: ${error.message}\n`);
  process.exitCode = 2;
}
