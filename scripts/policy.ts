/**
 * npm run policy [-- [options] [FILE...]]
 *
 * Checks the synthesized Terraform JSON against the Rego policy suite with conftest and
 * prints what a security reviewer reads. Exit codes: 0 all rules pass (after valid
 * exceptions); 1 a rule fails or an exception is expired, unknown or unused; 2 the run
 * could not be made (bad flag, missing file, invalid exceptions file, conftest missing).
 */
import { mkdirSync, writeFileSync } from "fs";
import { dirname, resolve } from "path";
import { EXCEPTIONS_FILE } from "./lib/paths";
import { PolicyInputError, runPolicies, verifyPolicies } from "./lib/policy-engine";
import { OUTPUT_FORMATS, OutputFormat, render } from "./lib/report-formats";
import { ensureSynthesized } from "./lib/synth";
import { ToolError } from "./lib/tools";

const USAGE = `Usage: npm run policy -- [--output table|json|junit|sarif] [--out FILE] [--exceptions FILE] [FILE...]
       npm run policy -- --verify

  FILE...            Terraform JSON files to check (default: every stack in cdktf.out, synthesized if stale)
  --output FORMAT    table (default, for people), json, junit or sarif (for CI)
  --out FILE         write the report to FILE instead of standard output
  --exceptions FILE  exceptions register (default: policies/exceptions.json)
  --verify           run every rule's passing and failing fixtures (conftest verify)

Exit codes: 0 pass, 1 policy failure or exception problem, 2 the run could not be made.`;

class UsageError extends Error {}

interface Options {
  output: OutputFormat;
  out?: string;
  exceptions: string;
  verify: boolean;
  files: string[];
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { output: "table", exceptions: EXCEPTIONS_FILE, verify: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--output":
      case "-o": {
        const format = value();
        if (!OUTPUT_FORMATS.includes(format as OutputFormat)) {
          throw new UsageError(`--output ${JSON.stringify(format)} is not a format; use one of ${OUTPUT_FORMATS.join(", ")}`);
        }
        options.output = format as OutputFormat;
        break;
      }
      case "--out":
        options.out = resolve(value());
        break;
      case "--exceptions":
        options.exceptions = resolve(value());
        break;
      case "--verify":
        options.verify = true;
        break;
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        options.files.push(resolve(arg));
    }
  }
  return options;
}

function main(): number {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const options = parseArgs(process.argv.slice(2));
    if (options.verify) {
      const { passed, output } = verifyPolicies();
      process.stdout.write(`${output}\n`);
      return passed ? 0 : 1;
    }
    const files = options.files.length > 0 ? options.files : ensureSynthesized(log);
    if (files.length === 0) throw new PolicyInputError("no stacks were synthesized; run npm run synth and look at its errors");
    const report = runPolicies(files, { exceptionsFile: options.exceptions });
    const text = render(report, options.output);
    if (options.out) {
      mkdirSync(dirname(options.out), { recursive: true });
      writeFileSync(options.out, text);
      log(`Wrote ${options.output} report to ${options.out}: ${report.passed ? "PASS" : "FAIL"}`);
    } else {
      process.stdout.write(text);
    }
    return report.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      log(`policy: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof PolicyInputError || error instanceof ToolError) {
      log(`policy: ${error.message}`);
      return 2;
    }
    log(`policy: ${(error as Error).stack ?? error}`);
    return 2;
  }
}

process.exitCode = main();
