/**
 * npm run policy [-- [options] [FILE...]]
 *
 * Checks the synthesized Terraform JSON against the Rego policy suite with conftest and
 * prints what a security reviewer reads. Exit codes: 0 all rules pass (after valid
 * exceptions); 1 a rule fails or an exception is expired, unknown or unused (or, with
 * --fail-on-warn, a warning: an applied exception expiring within 30 days); 2 the run
 * could not be made (bad flag, missing file, invalid exceptions file, conftest missing).
 */
import { mkdirSync, writeFileSync } from "fs";
import { dirname, resolve } from "path";
import { EXCEPTIONS_FILE } from "../paths";
import { loadExceptions, PolicyInputError, PolicyReport, runPolicies, verifyPolicies } from "./lib/policy-engine";
import { OUTPUT_FORMATS as DATA_FORMATS, render } from "./lib/report-formats";
import { ensureSynthesized } from "../platform/lib/synth";
import { ToolError } from "../platform/lib/tools";

/** Formats for people beyond report-formats.ts's: the reviewer page and the pull-request comment. */
const OUTPUT_FORMATS = [...DATA_FORMATS, "html", "markdown"] as const;
type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const USAGE = `Usage: npm run policy -- [--output table|json|junit|sarif|html|markdown] [--out FILE] [--exceptions FILE] [--fail-on-warn] [FILE...]
       npm run policy -- --verify

  FILE...            Terraform JSON files to check (default: every stack in cdktf.out, synthesized if stale)
  --output FORMAT    table (default, for people), json, junit or sarif (for CI), html (the reviewer
                     page: one self-contained file), markdown (a pull-request comment)
  --out FILE         write the report to FILE instead of standard output
  --exceptions FILE  exceptions register (default: policies/exceptions.json)
  --fail-on-warn     also exit 1 on warnings (an applied exception expiring within 30 days)
  --verify           run every rule's passing and failing fixtures (conftest verify)

Exit codes: 0 pass, 1 policy failure or exception problem (or a warning with --fail-on-warn),
2 the run could not be made.`;

class UsageError extends Error {}

interface Options {
  output: OutputFormat;
  out?: string;
  exceptions: string;
  verify: boolean;
  failOnWarn: boolean;
  files: string[];
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { output: "table", exceptions: EXCEPTIONS_FILE, verify: false, failOnWarn: false, files: [] };
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
      case "--fail-on-warn":
        options.failOnWarn = true;
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

/** 0 pass; 1 a failure or exception problem, or a warning when warnings fail the run. */
export function exitCode(report: Pick<PolicyReport, "passed" | "warnings">, failOnWarn: boolean): 0 | 1 {
  if (!report.passed) return 1;
  return failOnWarn && report.warnings.length > 0 ? 1 : 0;
}

function renderFormat(report: PolicyReport, options: Options, files: readonly string[]): string {
  if (options.output === "html" || options.output === "markdown") {
    // Loaded only for these formats: the reviewer page's modules (access matrix, function
    // bundles and permissions) cost ~1 s of start-up that the table, JSON, JUnit and SARIF runs skip.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { buildAccessMatrix, loadStacks } = require("./lib/access-matrix") as typeof import("./lib/access-matrix");
    const { functionEntries } = require("./lib/function-bundles") as typeof import("./lib/function-bundles");
    const { apiCallsOf } = require("./lib/function-api-calls") as typeof import("./lib/function-api-calls");
    const { functionPermissions } = require("./lib/function-permissions") as typeof import("./lib/function-permissions");
    const { sqlGrantsOf } = require("./lib/function-sql-grants") as typeof import("./lib/function-sql-grants");
    const { renderHtml, renderMarkdown } = require("./lib/html-report") as typeof import("./lib/html-report");
    const exceptions = loadExceptions(options.exceptions);
    if (options.output === "markdown") return renderMarkdown(report, exceptions, new Date());
    const stacks = loadStacks(files);
    return renderHtml({ report, exceptions, stacks, accessMatrix: buildAccessMatrix(stacks), functions: functionPermissions(stacks, functionEntries().map((entry) => apiCallsOf(entry))), sqlGrants: functionEntries().map((entry) => sqlGrantsOf(entry)), now: new Date() });
  }
  return render(report, options.output);
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
    const text = renderFormat(report, options, files);
    if (options.out) {
      mkdirSync(dirname(options.out), { recursive: true });
      writeFileSync(options.out, text);
      log(`Wrote ${options.output} report to ${options.out}: ${report.passed ? "PASS" : "FAIL"}`);
    } else {
      process.stdout.write(text);
    }
    return exitCode(report, options.failOnWarn);
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

if (require.main === module) process.exitCode = main();
