/**
 * npm run access-matrix [-- --json] [FILE...]
 *
 * Prints who can do what: persona -> Identity Center permission set (session, group, policy
 * and boundary references) -> each account it is assigned in -> allowed actions -> resources
 * (and conditions), read from the synthesized stacks (synthesized first when cdktf.out is missing or stale).
 * --json prints the same as JSON (for reports). Exit codes: 0 printed; 2 bad arguments or files.
 */
import { buildAccessMatrix, renderAccessMatrix } from "./lib/access-matrix";
import { reportCommandInput } from "./lib/report-command";

function main(argv: readonly string[]): number {
  const input = reportCommandInput(argv, "access-matrix");
  if ("problem" in input) {
    process.stderr.write(`${input.problem}\n`);
    return 2;
  }
  const matrix = buildAccessMatrix(input.stacks());
  process.stdout.write(input.json ? `${JSON.stringify(matrix, null, 2)}\n` : renderAccessMatrix(matrix));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
