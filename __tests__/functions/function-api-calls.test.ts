/**
 * The API actions each function's code can call (scripts/review/lib/function-api-calls.ts). Fast: no
 * database, no moto; esbuild and the TypeScript parser only.
 */
import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { analysisBuild, apiCallsOf, FunctionApiCalls, PROJECT_ROOT, renderApiCallTable } from "../../scripts/review/lib/function-api-calls";
import { bundledJavaScript, functionEntries } from "../../scripts/review/lib/function-bundles";

/**
 * Written down by reading each handler and the plain modules it calls, not from the analysis.
 * Every function that opens a pool goes through functions/lib/database.ts, whose Lambda mode is
 * IAM only (DB_AUTH=password throws when AWS_LAMBDA_FUNCTION_NAME is set): rds-db:connect.
 * rotate-mysql-credentials logs in with the rotated secret's password instead (no signer).
 */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  // SqsSendQueue.send: SendMessageBatch (IAM: sqs:SendMessage).
  // Reads the SNS event it is invoked with and writes the database: no SDK client at all.
  "campaign-delivery-events": ["rds-db:connect"],
  // recordStaffOutcome: the database only.
  "campaign-outcomes": ["rds-db:connect"],
  "campaign-plan": ["rds-db:connect", "sqs:SendMessage"],
  // Same queue writer through runReminders' issue-round code.
  "campaign-remind": ["rds-db:connect", "sqs:SendMessage"],
  // writeReport: PutObject. The staff notification is returned for the on-success destination;
  // report-notify.ts (sns:Publish) is used only by the demo and tests.
  "campaign-report": ["rds-db:connect", "s3:PutObject"],
  // sendInvitation: opt-out check, SMS, e-mail. dispatch.ts's queue drain (Receive/Delete/
  // GetQueueAttributes) and SqsSendQueue are in the same file but not reachable from here.
  "campaign-send": ["rds-db:connect", "ses:SendEmail", "sns:CheckIfPhoneNumberIsOptedOut", "sns:Publish"],
  "campaign-web": ["rds-db:connect"],
  "db-migrate": ["rds-db:connect"],
  // publishForm: PutObject of the rendered HTML.
  "form-publish": ["rds-db:connect", "s3:PutObject"],
  "form-submit": ["rds-db:connect"],
  "rotate-mysql-credentials": [
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetRandomPassword",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
  ],
};

describe("today's functions", () => {
  const entries = functionEntries();
  const results = new Map<string, FunctionApiCalls>();
  beforeAll(() => {
    for (const entry of entries) results.set(entry.split("/")[0], apiCallsOf(entry));
  });

  it("covers exactly the functions that exist", () => {
    expect(entries.map((e) => e.split("/")[0]).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("%s calls exactly its expected actions", (name, actions) => {
    expect(results.get(name)?.actions).toEqual(actions);
  });

  it("analyzes with the deployment package's build options (byte-identical bundle)", () => {
    for (const entry of entries) expect(analysisBuild(entry).js.equals(bundledJavaScript(entry))).toBe(true);
  });

  it("counts only reachable code: campaign-send has dispatch.ts in its graph but no SQS action", () => {
    const send = results.get("campaign-send")!;
    expect(send.files).toContain("functions/campaign/dispatch.ts");
    const dispatch = readFileSync(join(PROJECT_ROOT, "functions/campaign/dispatch.ts"), "utf8");
    expect(dispatch).toMatch(/new ReceiveMessageCommand\(/);
    expect(send.actions.filter((a) => a.startsWith("sqs:"))).toEqual([]);
  });

  it("maps the batch call to its IAM action and records the call site", () => {
    const plan = results.get("campaign-plan")!.calls.find((c) => c.action === "sqs:SendMessage")!;
    expect(plan.commands).toEqual(["@aws-sdk/client-sqs#SendMessageBatchCommand"]);
    expect(plan.sites).toEqual([expect.stringMatching(/^functions\/campaign\/dispatch\.ts:\d+$/)]);
  });

  it("lists KMS use implied by encryption separately from the actions", () => {
    const report = results.get("campaign-report")!;
    expect(report.actions.some((a) => a.startsWith("kms:"))).toBe(false);
    expect(report.calls.find((c) => c.action === "s3:PutObject")?.impliedByEncryption?.actions).toEqual(["kms:GenerateDataKey"]);
    expect(results.get("campaign-plan")!.calls.find((c) => c.action === "sqs:SendMessage")?.impliedByEncryption?.actions).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(results.get("campaign-web")!.calls.every((c) => c.impliedByEncryption === undefined)).toBe(true);
    // The S3 client's own CreateSession (directory buckets only) is reported, not counted.
    expect(report.sdkInternal).toEqual(["@aws-sdk/client-s3#CreateSessionCommand"]);
  });

  it("renders one row per action, sorted, under each function", () => {
    const table = renderApiCallTable([...results.values()]);
    const sendRows = table.split("\n").slice(table.split("\n").findIndex((l) => l.startsWith("campaign-send"))).slice(0, 4);
    expect(sendRows.map((l) => l.trim().split(/\s+/)[l.startsWith("campaign-send") ? 1 : 0])).toEqual(EXPECTED["campaign-send"]);
    expect(table).toMatch(/implied by the target's encryption/);
  });
});

describe("synthetic fixtures", () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const analyze = (entry: string) => apiCallsOf(entry, { projectRoot: root });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "medicare-api-calls-"));
    write(
      "functions/lib/queue.ts",
      `import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
const sqs = new SQSClient({});
export async function enqueue(body: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: "q", MessageBody: body }));
}
/** Used only by scripts/drain.ts. */
export async function drain(): Promise<number> {
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: "q" }));
  return got.Messages?.length ?? 0;
}
`,
    );
    write("functions/sender/handler.ts", `import { enqueue } from "../lib/queue";\nexport const handler = async () => enqueue("x");\n`);
    write("functions/drainer/handler.ts", `import { drain } from "../lib/queue";\nexport const handler = async () => drain();\n`);
    write("scripts/drain.ts", `import { drain } from "../functions/lib/queue";\nvoid drain();\n`);
    // A client the analysis does not know, installed in the fixture's own node_modules.
    write("node_modules/@aws-sdk/client-madeup/package.json", JSON.stringify({ name: "@aws-sdk/client-madeup", version: "1.0.0", main: "index.js" }));
    write("node_modules/@aws-sdk/client-madeup/index.js", `class DoThingCommand { constructor(input) { this.input = input; } }\nexports.DoThingCommand = DoThingCommand;\n`);
    write("functions/madeup/handler.ts", `import { DoThingCommand } from "@aws-sdk/client-madeup";\nexport const handler = async () => new DoThingCommand({});\n`);
    // A command reached without `new XxxCommand` in our code: the paginator sends ListQueues.
    write(
      "functions/paginated/handler.ts",
      `import { paginateListQueues, SQSClient } from "@aws-sdk/client-sqs";
export const handler = async () => {
  for await (const page of paginateListQueues({ client: new SQSClient({}) }, {})) void page;
};
`,
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("does not count a command used only outside the handler's graph (or by an unused export)", () => {
    const sender = analyze("sender/handler.ts");
    expect(sender.actions).toEqual(["sqs:SendMessage"]);
    expect(sender.files).toEqual(["functions/lib/queue.ts", "functions/sender/handler.ts"]);
  });

  it("counts the same command once the handler reaches it", () => {
    expect(analyze("drainer/handler.ts").actions).toEqual(["sqs:ReceiveMessage"]);
  });

  it("fails on an unknown client package, naming it", () => {
    expect(() => analyze("madeup/handler.ts")).toThrow(/unknown AWS SDK client package @aws-sdk\/client-madeup .*CLIENT_SERVICE_PREFIX/);
  });

  it("fails when the bundle holds a command the code never names (paginator)", () => {
    expect(() => analyze("paginated/handler.ts")).toThrow(/@aws-sdk\/client-sqs#ListQueuesCommand/);
  });
});

describe("npm run function-api-calls", () => {
  it("rejects an unknown flag with a usage message and exit code 2", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts/review/function-api-calls.ts"), "--jsn"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown argument --jsn\nUsage: npm run function-api-calls \[-- --json\]/);
    expect(run.stdout).toBe("");
  });
});
