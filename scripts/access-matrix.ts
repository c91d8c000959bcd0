/**
 * npm run access-matrix [-- --json] [FILE...]
 *
 * Prints who can do what: persona -> role -> allowed actions -> resources (and conditions),
 * read from the synthesized stacks (synthesized first when cdktf.out is missing or stale).
 * --json prints the same as JSON (for reports). Exit codes: 0 printed; 2 bad arguments or files.
 */
import { existsSync } from "fs";
import { resolve } from "path";
import { buildAccessMatrix, loadStacks, renderAccessMatrix } from "./lib/access-matrix";
import { ensureSynthesized } from "./lib/synth";

function main(argv: readonly string[]): number {
  const json = argv.includes("--json");
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--json");
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown[0]}\nUsage: npm run access-matrix -- [--json] [FILE...]\n`);
    return 2;
  }
  const files = argv.filter((a) => !a.startsWith("-")).map((f) => resolve(f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    process.stderr.write(`no such file: ${missing.join(", ")}\n`);
    return 2;
  }
  const stackFiles = files.length > 0 ? files : ensureSynthesized((line) => process.stderr.write(`${line}\n`));
  const matrix = buildAccessMatrix(loadStacks(stackFiles));
  process.stdout.write(json ? `${JSON.stringify(matrix, null, 2)}\n` : renderAccessMatrix(matrix));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
