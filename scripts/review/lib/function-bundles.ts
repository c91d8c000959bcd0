/**
 * The Lambda bundles of functions/: every `functions/<name>/handler.ts` is one function.
 * Builds each exactly as the infrastructure packages it (modules/compute/bundle.ts) and
 * loads it in a fresh Node process, as a cold start would, to measure size and load time.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { bundledJavaScript, functionEntries } from "../../../modules/compute/bundle";

/**
 * Configuration every handler reads at cold start, with placeholder values: loading a
 * bundle reads its configuration but connects to nothing.
 */
export const PLACEHOLDER_FUNCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_REGION: "eu-west-2",
  AWS_ACCESS_KEY_ID: "placeholder",
  AWS_SECRET_ACCESS_KEY: "placeholder",
  DB_AUTH: "iam",
  DB_HOST: "proxy.medicare.internal",
  DB_PORT: "3306",
  DB_USER: "campaign",
  DB_NAME: "campaign",
  DB_CLUSTER_HOST: "aurora.cluster.medicare.internal",
  DB_CLUSTER_PORT: "3306",
  DB_USER_SECRET_ARNS: JSON.stringify({ fn_campaign_web: "arn:aws:secretsmanager:eu-west-2:111111111111:secret:medicare-dev-db-user-fn-campaign-web-AbCdEf" }),
  PRACTICE_NAME: "Riverside Surgery",
  PRACTICE_PHONE: "020 7946 0000",
  PUBLIC_BASE_URL: "https://book.medicare.example",
  EMAIL_SOURCE: "Riverside Surgery <invitations@medicare.example>",
  SES_CONFIGURATION_SET: "medicare-campaign",
  SEND_QUEUE_URL: "https://sqs.eu-west-2.amazonaws.com/111111111111/medicare-dev-campaign-send",
  REPORT_BUCKET: "medicare-dev-reports-111111111111",
  REPORT_KMS_KEY_ID: "arn:aws:kms:eu-west-2:111111111111:key/00000000-0000-0000-0000-000000000000",
  FORMS_BUCKET: "medicare-dev-forms-111111111111",
  FORMS_KMS_KEY_ID: "arn:aws:kms:eu-west-2:111111111111:key/00000000-0000-0000-0000-000000000000",
  FORM_SUBMIT_BASE_URL: "https://forms.medicare.example",
  SMS_SEGMENT_PRICE_USD: "0.045",
  EMAIL_PRICE_PER_1000_USD: "0.1",
  GBP_PER_USD: "0.79",
  RUN_BUDGET_GBP: "4500",
};

export interface BundleLoad {
  readonly loadMs: number;
  readonly handlerType: string;
  readonly error?: string;
}

const LOADER = `
const started = process.hrtime.bigint();
try {
  const mod = require(process.argv[1]);
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ loadMs, handlerType: typeof mod.handler }));
} catch (error) {
  process.stdout.write(JSON.stringify({ loadMs: -1, handlerType: "none", error: String(error && error.message || error) }));
}
`;

/** Loads a bundle `runs` times, each in a new Node process; returns every run's result. */
export function loadBundle(js: Buffer, runs: number, env: Readonly<Record<string, string>>): BundleLoad[] {
  const dir = mkdtempSync(join(tmpdir(), "medicare-bundle-load-"));
  try {
    const file = join(dir, "index.js");
    writeFileSync(file, js);
    const results: BundleLoad[] = [];
    for (let i = 0; i < runs; i++) {
      const run = spawnSync(process.execPath, ["-e", LOADER, file], {
        env: { PATH: process.env.PATH ?? "", ...PLACEHOLDER_FUNCTION_ENVIRONMENT, ...env },
        encoding: "utf8",
      });
      results.push(JSON.parse(run.stdout || `{"loadMs":-1,"handlerType":"none","error":${JSON.stringify(run.stderr)}}`));
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export { bundledJavaScript, functionEntries };
