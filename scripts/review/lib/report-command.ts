import { existsSync } from "fs";
import { resolve } from "path";
import { loadStacks } from "./access-matrix";
import { ensureSynthesized } from "../../platform/lib/synth";

/**
 * The arguments of a report over the synthesized stacks (`[--json] [FILE...]`): the stacks to
 * read (the given files, else every synthesized stack, synthesized first when stale) and the
 * format; or the problem to print (exit 2).
 */
export function reportCommandInput(argv: readonly string[], command: string): { json: boolean; stacks: () => Record<string, any> } | { problem: string } {
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--json");
  if (unknown.length > 0) return { problem: `unknown option ${unknown[0]}\nUsage: npm run ${command} -- [--json] [FILE...]` };
  const files = argv.filter((a) => !a.startsWith("-")).map((f) => resolve(f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) return { problem: `no such file: ${missing.join(", ")}` };
  return {
    json: argv.includes("--json"),
    stacks: () => loadStacks(files.length > 0 ? files : ensureSynthesized((line) => process.stderr.write(`${line}\n`))),
  };
}
