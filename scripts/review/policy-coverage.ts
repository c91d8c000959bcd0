/**
 * npm run policy:coverage [-- --controls FILE] [--json]
 *
 * Prints control (CONTROLS.md row) -> rule id(s) -> fixtures (passing/failing) -> mutations of
 * the real synthesized output, and fails when a control has no rule, a rule has no failing
 * (or passing) fixture that its tests depend on, or no hand-written mutation it catches.
 * How the fixtures are established: scripts/review/lib/policy-coverage.ts.
 * Exit codes: 0 every control covered; 1 a gap (listed); 2 the check could not be made
 * (CONTROLS.md missing, bad flag, conftest not installable, synth failed).
 */
import { resolve } from "path";
import { MUTATIONS } from "../../__tests__/policies/mutations";
import { mutatedStackName } from "../../__tests__/policies/mutations/kit";
import { checkDocuments, PolicyInputError, ruleCatalog } from "./lib/policy-engine";
import { collectFixtureEvidence, computeCoverage, ControlsFileError, DEFAULT_CONTROLS_FILE, MutationEvidence, readControls, renderCoverage } from "./lib/policy-coverage";
import { loadStacks } from "./lib/access-matrix";
import { ensureSynthesized } from "../platform/lib/synth";
import { ToolError } from "../platform/lib/tools";

const USAGE = `Usage: npm run policy:coverage -- [--controls FILE] [--json]

  --controls FILE  the control catalogue (default: ../shared/design/CONTROLS.md beside the repository)
  --json           print the coverage as JSON

Exit codes: 0 every control covered, 1 a coverage gap, 2 the check could not be made.`;

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { controls: string; json: boolean } {
  const options = { controls: DEFAULT_CONTROLS_FILE, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") options.json = true;
    else if (arg === "--controls") {
      const value = argv[++i];
      if (!value || value.startsWith("--")) throw new UsageError("--controls needs a file");
      options.controls = resolve(value);
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  return options;
}

/** Applies every hand-written mutation to its dev stack and records whether its rule caught it. */
async function mutationEvidence(log: (line: string) => void): Promise<Map<string, MutationEvidence[]>> {
  const stacks = loadStacks(ensureSynthesized(log));
  const docs = MUTATIONS.map((m) => {
    const stack = mutatedStackName(m);
    const original = stacks[stack];
    if (!original) throw new PolicyInputError(`cdktf.out has no ${stack} stack for the mutation "${m.description}"; run npm run synth`);
    const doc = structuredClone(original);
    m.mutate(doc);
    return { stack, doc };
  });
  const findings = await checkDocuments(docs);
  const evidence = new Map<string, MutationEvidence[]>();
  MUTATIONS.forEach((m, i) => {
    const list = evidence.get(m.ruleId) ?? [];
    list.push({ description: m.description, caught: findings[i].some((f) => f.ruleId === m.ruleId) });
    evidence.set(m.ruleId, list);
  });
  return evidence;
}

async function main(): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const options = parseArgs(process.argv.slice(2));
    const controls = readControls(options.controls);
    const rules = ruleCatalog();
    const mutations = await mutationEvidence(log);
    const fixtures = collectFixtureEvidence();
    const report = computeCoverage({ controls, rules, fixtures, mutations });
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderCoverage(report));
    return report.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      log(`policy:coverage: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ControlsFileError || error instanceof PolicyInputError || error instanceof ToolError) {
      log(`policy:coverage: ${error.message}`);
      return 2;
    }
    log(`policy:coverage: ${(error as Error).stack ?? error}`);
    return 2;
  }
}

main().then((code) => (process.exitCode = code));
