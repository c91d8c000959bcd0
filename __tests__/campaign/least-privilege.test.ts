/**
 * Least privilege, measured: every deployed function's role grants exactly the AWS actions its
 * code calls (derived from the bundle's code by scripts/review/lib/function-api-calls.ts), plus the KMS
 * actions the called resources' encryption implies; and the check itself catches a widened or
 * a narrowed role.
 */
import { rmSync } from "fs";
import { apiCallsOf, FunctionApiCalls } from "../../scripts/review/lib/function-api-calls";
import { functionEntries } from "../../scripts/review/lib/function-bundles";
import { functionPermissions, FunctionPermissions } from "../../scripts/review/lib/function-permissions";
import { SynthesizedApp, synthesize } from "../support/synth";

let app: SynthesizedApp;
let calls: FunctionApiCalls[];
let permissions: FunctionPermissions[];
beforeAll(() => {
  app = synthesize();
  calls = functionEntries().map((entry) => apiCallsOf(entry));
  permissions = functionPermissions(app.stacks, calls);
}, 120_000);
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const clone = (stacks: Record<string, any>) => JSON.parse(JSON.stringify(stacks));
const rolePolicyOf = (stacks: Record<string, any>, stack: string, functionName: string) => {
  const doc = stacks[stack];
  const fn = Object.values<any>(doc.resource.aws_lambda_function).find((f) => f.function_name === functionName);
  const role = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(fn.role)![1];
  return Object.values<any>(doc.resource.aws_iam_role_policy).find((p) => String(p.role).includes(`aws_iam_role.${role}.`));
};
const editPolicy = (policy: any, edit: (statements: any[]) => void) => {
  const doc = JSON.parse(policy.policy);
  edit(doc.Statement);
  policy.policy = JSON.stringify(doc);
};

describe("least privilege of the Lambda functions", () => {
  it("every functions/ entry is deployed in every environment, and every deployed function runs one", () => {
    for (const env of ["dev", "prod"]) {
      const deployed = permissions.filter((p) => p.stack.startsWith(`${env}-`)).map((p) => p.entry).sort();
      expect(deployed).toEqual(functionEntries());
    }
  });

  it.each(["dev", "prod"])("in %s, each role's code grants are exactly its code's calls (and their implied KMS use)", (env) => {
    const mismatches = permissions
      .filter((p) => p.stack.startsWith(`${env}-`))
      .filter((p) => p.missing.length > 0 || p.unused.length > 0)
      .map((p) => ({ function: p.functionName, missing: p.missing, unused: p.unused }));
    expect(mismatches).toEqual([]);
  });

  it("code grants name their resources: Resource \"*\" only for actions without resource types, or beside a Deny on every ARN", () => {
    for (const p of permissions) {
      for (const s of p.code.filter((s) => s.effect === "Allow" && s.resources.includes("*"))) {
        for (const action of s.actions) expect(`${p.functionName} ${action}`).toMatch(/ (sns:CheckIfPhoneNumberIsOptedOut|sns:Publish|secretsmanager:GetRandomPassword)$/);
      }
    }
    const send = permissions.filter((p) => p.entry === "campaign-send/handler.ts");
    for (const p of send) expect(p.code).toContainEqual(expect.objectContaining({ effect: "Deny", actions: ["sns:Publish"], resources: ["arn:aws:sns:*:*:*"] }));
  });

  it("catches a role that grants more than the code calls (sns:* on the send worker)", () => {
    const stacks = clone(app.stacks);
    editPolicy(rolePolicyOf(stacks, "dev-campaign", "medicare-dev-campaign-send"), (st) => st.push({ Sid: "Everything", Effect: "Allow", Action: "sns:*", Resource: "*" }));
    const send = functionPermissions(stacks, calls).find((p) => p.functionName === "medicare-dev-campaign-send")!;
    expect(send.unused).toEqual(["sns:*"]);
  });

  it("catches a role that misses a call (the planner without sqs:SendMessage) and a KMS use the encryption implies", () => {
    const stacks = clone(app.stacks);
    editPolicy(rolePolicyOf(stacks, "dev-campaign", "medicare-dev-campaign-plan"), (st) => {
      const i = st.findIndex((s) => s.Sid === "EnqueueSendRequests");
      st.splice(i, 1);
    });
    editPolicy(rolePolicyOf(stacks, "dev-campaign", "medicare-dev-campaign-report"), (st) => {
      const i = st.findIndex((s) => s.Sid === "EncryptReportsThroughS3");
      st.splice(i, 1);
    });
    const all = functionPermissions(stacks, calls);
    expect(all.find((p) => p.functionName === "medicare-dev-campaign-plan")!.missing).toEqual(["sqs:SendMessage"]);
    expect(all.find((p) => p.functionName === "medicare-dev-campaign-report")!.missing).toEqual(["kms:GenerateDataKey"]);
  });

  it("catches an extra grant, also one hidden under a runtime statement id", () => {
    const stacks = clone(app.stacks);
    editPolicy(rolePolicyOf(stacks, "dev-campaign", "medicare-dev-campaign-web"), (st) => st.push({ Sid: "Extra", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::x/*" }));
    editPolicy(rolePolicyOf(stacks, "dev-campaign", "medicare-dev-form-submit"), (st) => {
      st.find((s) => s.Sid === "TraceToXRay").Action.push("s3:DeleteObject");
    });
    const all = functionPermissions(stacks, calls);
    expect(all.find((p) => p.functionName === "medicare-dev-campaign-web")!.unused).toEqual(["s3:GetObject"]);
    expect(all.find((p) => p.functionName === "medicare-dev-form-submit")!.unused).toEqual(["s3:DeleteObject"]);
  });

  it("an SMS-only grant (sns:Publish on * beside the Deny) implies no topic key; without the Deny it must name topics and their key", () => {
    const stacks = clone(app.stacks);
    editPolicy(rolePolicyOf(stacks, "dev-campaign", "medicare-dev-campaign-send"), (st) => {
      const i = st.findIndex((s) => s.Effect === "Deny");
      st.splice(i, 1);
    });
    const send = functionPermissions(stacks, calls).find((p) => p.functionName === "medicare-dev-campaign-send")!;
    expect(send.missing).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
  });
});
