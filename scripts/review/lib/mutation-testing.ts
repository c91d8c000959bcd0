/**
 * Runs the generated mutations (scripts/review/lib/mutation-generator.ts) against the policy suite:
 * every mutated copy and the unmutated stacks go through conftest in one batch (a few runs,
 * not one per mutation); a mutation is caught when its copy has a finding (rule and resource)
 * that the unmutated stack does not have.
 */
import { checkDocuments, Finding } from "./policy-engine";
import { applyMutation, GeneratedMutation, generateMutations, GenerateOptions, KNOWN_GAPS, KnownGap, noteMatches, OPERATOR_SUMMARIES, SkippedEquivalent } from "./mutation-generator";

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

/** A known gap and what became of it in this run. */
export interface GapOutcome {
  readonly gap: Pick<KnownGap, "operator" | "type" | "reason" | "owner" | "expires"> & { readonly match: string };
  /** Missed mutations it explains (ids): reported to its owner. */
  readonly missed: readonly string[];
  /** Caught mutations it matches. */
  readonly caught: number;
  /** expired (misses fail again), closed (every matching mutation caught: remove the gap), open. */
  readonly state: "open" | "expired" | "closed";
}

export interface OperatorTally {
  readonly operator: string;
  readonly summary: string;
  readonly generated: number;
  readonly caught: number;
  /** Equivalent mutants of this operator, not run. */
  readonly equivalent: number;
}

export interface MutationRunReport {
  readonly stacks: readonly string[];
  readonly outcomes: readonly MutationOutcome[];
  readonly operators: readonly OperatorTally[];
  readonly generated: number;
  readonly caught: number;
  /** Misses no open gap explains: each fails the run. */
  readonly misses: readonly MutationOutcome[];
  /** Equivalent mutants (not run), with their reasons. */
  readonly equivalents: readonly SkippedEquivalent[];
  readonly gaps: readonly GapOutcome[];
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

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The known gaps against the outcomes: which misses each explains, and whether it expired or closed. */
export function gapOutcomes(outcomes: readonly MutationOutcome[], gaps: readonly KnownGap[], today: Date): GapOutcome[] {
  return gaps
    .map((gap) => {
      const mine = outcomes.filter((o) => noteMatches(gap, o.operator, o.address.split(".")[0], o.description));
      const missed = mine.filter((o) => o.caughtBy.length === 0).map((o) => o.id);
      const state: GapOutcome["state"] = mine.length > 0 && missed.length === 0 ? "closed" : gap.expires < isoDay(today) ? "expired" : "open";
      return { gap: { operator: gap.operator, type: gap.type, reason: gap.reason, owner: gap.owner, expires: gap.expires, match: String(gap.match) }, missed, caught: mine.length - missed.length, state };
    })
    .filter((g) => g.missed.length > 0 || g.caught > 0);
}

export function tally(outcomes: readonly MutationOutcome[], seconds: number, stacks: readonly string[], equivalents: readonly SkippedEquivalent[] = [], gaps: readonly KnownGap[] = KNOWN_GAPS, today = new Date()): MutationRunReport {
  const operators = [...new Set([...outcomes.map((o) => o.operator), ...equivalents.map((e) => e.operator)])].map((operator) => {
    const mine = outcomes.filter((o) => o.operator === operator);
    return { operator, summary: OPERATOR_SUMMARIES[operator] ?? "", generated: mine.length, caught: mine.filter((o) => o.caughtBy.length > 0).length, equivalent: equivalents.filter((e) => e.operator === operator).length };
  });
  const gapReport = gapOutcomes(outcomes, gaps, today);
  const explained = new Set(gapReport.filter((g) => g.state === "open").flatMap((g) => g.missed));
  const misses = outcomes.filter((o) => o.caughtBy.length === 0 && !explained.has(o.id));
  const closed = gapReport.some((g) => g.state === "closed");
  return {
    stacks, outcomes, operators, generated: outcomes.length, caught: outcomes.length - outcomes.filter((o) => o.caughtBy.length === 0).length, misses, equivalents, gaps: gapReport, seconds,
    passed: misses.length === 0 && !closed && outcomes.length > 0,
  };
}

export async function runGeneratedMutations(stacks: Readonly<Record<string, any>>, options: GenerateOptions & { parallel?: number } = {}): Promise<MutationRunReport> {
  const started = Date.now();
  const equivalents: SkippedEquivalent[] = [];
  const mutations = generateMutations(stacks, { ...options, onEquivalent: (e) => equivalents.push(e) });
  const names = Object.keys(stacks).sort();
  const docs = [...names.map((stack) => ({ stack, doc: stacks[stack] })), ...mutations.map((m) => ({ stack: m.stack, doc: applyMutation(stacks[m.stack], m) }))];
  const findings = await checkDocuments(docs, { parallel: options.parallel });
  const baseline = new Map(names.map((stack, i) => [stack, findings[i]] as const));
  const outcomes = judge(mutations, baseline, findings.slice(names.length));
  return tally(outcomes, (Date.now() - started) / 1000, names, equivalents);
}

/** `exploring`: the exploratory operators' run, which lists findings and never passes or fails. */
export function renderMutationReport(report: MutationRunReport, exploring = false): string {
  const share = (caught: number, total: number) => (total === 0 ? "-" : `${((100 * caught) / total).toFixed(1)}%`);
  const width = Math.max(8, ...report.operators.map((o) => o.operator.length));
  const out = [
    `${"OPERATOR".padEnd(width)}  GENERATED  CAUGHT  SHARE   EQUIV  WHAT`,
    ...report.operators.map((o) => `${o.operator.padEnd(width)}  ${String(o.generated).padStart(9)}  ${String(o.caught).padStart(6)}  ${share(o.caught, o.generated).padStart(6)}  ${String(o.equivalent).padStart(5)}  ${o.summary}`),
    "",
  ];
  if (report.misses.length > 0) {
    out.push(`MISSED (${report.misses.length}): each is a weakening no rule reports`);
    for (const m of report.misses) out.push(`  ${m.stack}  ${m.operator}  ${m.path} (${m.address}): ${m.description}`);
    out.push("");
  }
  const gaps = report.gaps.filter((g) => g.missed.length > 0 || g.state === "closed");
  if (gaps.length > 0) {
    out.push(`KNOWN GAPS (${gaps.length}), reported to their owner with the mutation ids (mutation-generator.ts KNOWN_GAPS):`);
    for (const g of gaps) {
      const state = g.state === "closed" ? "CLOSED: every matching mutation is caught now; remove the gap" : g.state === "expired" ? `EXPIRED on ${g.gap.expires}: its misses fail the run` : `open until ${g.gap.expires}`;
      out.push(`  ${g.gap.operator}${g.gap.type ? ` ${g.gap.type}` : ""}: ${g.gap.reason} (${g.gap.owner}; ${g.missed.length} missed, ${g.caught} caught; ${state})`);
      for (const id of g.missed) out.push(`      ${id}`);
    }
    out.push("");
  }
  if (report.equivalents.length > 0) out.push(`${report.equivalents.length} equivalent mutant(s) not run, each with its reason (EQUIVALENT_MUTANTS; --json lists them).`, "");
  out.push(
    `${report.caught}/${report.generated} generated mutations of ${report.stacks.length} stacks caught (${share(report.caught, report.generated)}) in ${report.seconds.toFixed(1)} s.`,
    exploring ? `EXPLORED: ${report.misses.length} finding(s) for review (exploratory operators do not gate)` : report.passed ? "PASS" : "FAIL",
  );
  return `${out.join("\n")}\n`;
}
