/**
 * Runs the generated mutations (scripts/review/lib/mutation-generator.ts) against the policy suite:
 * every mutated copy and the unmutated stacks go through conftest in one batch (a few runs,
 * not one per mutation); a mutation is caught when its copy has a finding (rule and resource)
 * that the unmutated stack does not have.
 */
import { checkDocuments, Finding } from "./policy-engine";
import { applyMutation, GeneratedMutation, generateMutations, GenerateOptions, OPERATOR_SUMMARIES } from "./mutation-generator";

export interface MutationOutcome {
  readonly id: string;
  readonly stack: string;
  readonly operator: string;
  readonly path: string;
  readonly address: string;
  readonly description: string;
  /** Rules that reported something new on the mutated copy (empty: missed). */
  readonly caughtBy: readonly string[];
}

export interface OperatorTally {
  readonly operator: string;
  readonly summary: string;
  readonly generated: number;
  readonly caught: number;
}

export interface MutationRunReport {
  readonly stacks: readonly string[];
  readonly outcomes: readonly MutationOutcome[];
  readonly operators: readonly OperatorTally[];
  readonly generated: number;
  readonly caught: number;
  readonly misses: readonly MutationOutcome[];
  readonly seconds: number;
  readonly passed: boolean;
}

const findingKey = (f: Finding) => `${f.ruleId} ${f.resourcePath} ${f.message}`;

/** Judges outcomes from findings: what is new on the mutated copy compared with its stack. */
export function judge(mutations: readonly GeneratedMutation[], baseline: ReadonlyMap<string, readonly Finding[]>, mutated: readonly (readonly Finding[])[]): MutationOutcome[] {
  return mutations.map((m, i) => {
    const before = new Set((baseline.get(m.stack) ?? []).map(findingKey));
    const caughtBy = [...new Set(mutated[i].filter((f) => !before.has(findingKey(f))).map((f) => f.ruleId))].sort();
    return { id: m.id, stack: m.stack, operator: m.operator, path: m.path, address: m.address, description: m.description, caughtBy };
  });
}

export function tally(outcomes: readonly MutationOutcome[], seconds: number, stacks: readonly string[]): MutationRunReport {
  const operators = [...new Set(outcomes.map((o) => o.operator))].map((operator) => {
    const mine = outcomes.filter((o) => o.operator === operator);
    return { operator, summary: OPERATOR_SUMMARIES[operator] ?? "", generated: mine.length, caught: mine.filter((o) => o.caughtBy.length > 0).length };
  });
  const misses = outcomes.filter((o) => o.caughtBy.length === 0);
  return { stacks, outcomes, operators, generated: outcomes.length, caught: outcomes.length - misses.length, misses, seconds, passed: misses.length === 0 && outcomes.length > 0 };
}

export async function runGeneratedMutations(stacks: Readonly<Record<string, any>>, options: GenerateOptions & { parallel?: number } = {}): Promise<MutationRunReport> {
  const started = Date.now();
  const mutations = generateMutations(stacks, options);
  const names = Object.keys(stacks).sort();
  const docs = [...names.map((stack) => ({ stack, doc: stacks[stack] })), ...mutations.map((m) => ({ stack: m.stack, doc: applyMutation(stacks[m.stack], m) }))];
  const findings = await checkDocuments(docs, { parallel: options.parallel });
  const baseline = new Map(names.map((stack, i) => [stack, findings[i]] as const));
  const outcomes = judge(mutations, baseline, findings.slice(names.length));
  return tally(outcomes, (Date.now() - started) / 1000, names);
}

export function renderMutationReport(report: MutationRunReport): string {
  const share = (caught: number, total: number) => (total === 0 ? "-" : `${((100 * caught) / total).toFixed(1)}%`);
  const width = Math.max(8, ...report.operators.map((o) => o.operator.length));
  const out = [
    `${"OPERATOR".padEnd(width)}  GENERATED  CAUGHT  SHARE   WHAT`,
    ...report.operators.map((o) => `${o.operator.padEnd(width)}  ${String(o.generated).padStart(9)}  ${String(o.caught).padStart(6)}  ${share(o.caught, o.generated).padStart(6)}  ${o.summary}`),
    "",
  ];
  if (report.misses.length > 0) {
    out.push(`MISSED (${report.misses.length}): each is a weakening no rule reports`);
    for (const m of report.misses) out.push(`  ${m.stack}  ${m.operator}  ${m.path} (${m.address}): ${m.description}`);
    out.push("");
  }
  out.push(
    `${report.caught}/${report.generated} generated mutations of ${report.stacks.length} stacks caught (${share(report.caught, report.generated)}) in ${report.seconds.toFixed(1)} s.`,
    report.passed ? "PASS" : "FAIL",
  );
  return `${out.join("\n")}\n`;
}
