/**
 * NodeFunction: the deterministic package, and the security properties of EVERY
 * aws_lambda_function in every stack of every environment.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { BUNDLE_CACHE_ENV, bundleFunction, MAX_BUNDLE_BYTES, PROJECT_ROOT } from "../../modules/compute/bundle";
import { deterministicZip, readStoredZip } from "../../modules/compute/deterministic-zip";
import { NodeFunction, NodeFunctionProps } from "../../modules/compute/lambda-function";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { MedicareStack } from "../../modules/core/medicare-stack";
import { ServiceRole } from "../../modules/iam/service-role";
import { SecurityStack } from "../../modules/security/security-stack";
import { isSecretEnvironmentName } from "../../modules/compute/secret-patterns";
import { conditionValues, scopableOnEverything, statementsOf } from "../support/policy";
import { referencedResource, refersTo } from "../support/refs";
import { fileTree } from "../support/files";
import { synthesize, synthesizeFresh, SynthesizedApp, SynthResource } from "../support/synth";

let app: SynthesizedApp;
let again: SynthesizedApp;

beforeAll(() => {
  app = synthesize();
  // Synthesized here from source, not copied from the run's shared synth (npm run synth's app
  // bundle): the tests compare the two synths.
  again = synthesizeFresh();
});

afterAll(() => {
  rmSync(app.outdir, { recursive: true, force: true });
  rmSync(again.outdir, { recursive: true, force: true });
});

const functions = () => app.resources("aws_lambda_function");
const envOf = (r: SynthResource) => ENVIRONMENTS[r.stack.split("-")[0]];
const packageOf = (a: SynthesizedApp, fn: SynthResource) => readFileSync(join(a.outdir, "stacks", fn.stack, fn.values.filename));
/** The security stack's resource a value points at, as `<stack>/<construct path without stack>`. */
const target = (fn: SynthResource, value: unknown) => {
  const r = referencedResource(app, fn.stack, value);
  return r && `${r.stack}:${r.path.split("/").slice(1).join("/")}`;
};
const rolePolicies = (fn: SynthResource) => {
  const role = referencedResource(app, fn.stack, fn.values.role)!;
  return app.resources("aws_iam_role_policy", fn.stack).filter((p) => refersTo(app, fn.stack, p.values.role, role));
};

describe("every Lambda function in every stack", () => {
  it("exists in each environment's data stack (the credential rotation function)", () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      expect(functions().filter((f) => f.stack === `${env}-data`).map((f) => f.values.function_name)).toContain(`medicare-${env}-rotate-mysql-credentials`);
    }
  });

  it("runs nodejs22.x on arm64 from its packaged index.js", () => {
    for (const fn of functions()) {
      expect({ fn: fn.address, runtime: fn.values.runtime, arch: fn.values.architectures, handler: fn.values.handler }).toEqual({
        fn: fn.address,
        runtime: "nodejs22.x",
        arch: ["arm64"],
        handler: "index.handler",
      });
    }
  });

  it("traces with X-Ray (Active) and has reserved concurrency of at least 1", () => {
    for (const fn of functions()) {
      expect(fn.values.tracing_config).toEqual({ mode: "Active" });
      expect(fn.values.reserved_concurrent_executions).toBeGreaterThanOrEqual(1);
    }
  });

  it("sends failed asynchronous events to a dead-letter queue encrypted with the messaging key", () => {
    for (const fn of functions()) {
      const queue = referencedResource(app, fn.stack, fn.values.dead_letter_config?.target_arn);
      expect(queue?.type).toBe("aws_sqs_queue");
      expect(target(fn, queue!.values.kms_master_key_id)).toBe(`${envOf(fn).name}-security:keys/messaging/key`);
      expect(queue!.values.message_retention_seconds).toBe(14 * 24 * 3600);
    }
  });

  it("encrypts its environment with the messaging key, and no variable name announces a secret", () => {
    for (const fn of functions()) {
      expect(target(fn, fn.values.kms_key_arn)).toBe(`${envOf(fn).name}-security:keys/messaging/key`);
      for (const name of Object.keys(fn.values.environment?.variables ?? {})) expect({ fn: fn.address, name, secret: isSecretEnvironmentName(name) }).toEqual({ fn: fn.address, name, secret: false });
    }
  });

  it("logs as JSON to its own log group, encrypted with the logs key and kept for the environment's retention (>= 365 days)", () => {
    for (const fn of functions()) {
      const name = fn.values.function_name.replace(`medicare-${envOf(fn).name}-`, "");
      const group = referencedResource(app, fn.stack, fn.values.logging_config?.log_group);
      expect(group?.type).toBe("aws_cloudwatch_log_group");
      expect(group!.values.name).toBe(`/medicare/${envOf(fn).name}/lambda/${name}`);
      expect(target(fn, group!.values.kms_key_id)).toBe(`${envOf(fn).name}-security:keys/logs/key`);
      expect(group!.values.retention_in_days).toBe(envOf(fn).logRetentionDays);
      expect(group!.values.retention_in_days).toBeGreaterThanOrEqual(365);
      expect(fn.values.logging_config.log_format).toBe("JSON");
    }
  });

  it("runs as a role of its own, with the permission boundary, assumable only by Lambda for this account", () => {
    const roles = new Set<string>();
    for (const fn of functions()) {
      const role = referencedResource(app, fn.stack, fn.values.role)!;
      expect(role.type).toBe("aws_iam_role");
      expect(roles.has(role.address + fn.stack)).toBe(false);
      roles.add(role.address + fn.stack);
      expect(target(fn, role.values.permissions_boundary)).toBe(`${envOf(fn).name}-security:workload-boundary/policy`);
      const [trust, ...others] = statementsOf(role.values.assume_role_policy);
      expect(others).toEqual([]);
      expect(trust.principals).toEqual({ Service: ["lambda.amazonaws.com"] });
      expect(trust.actions).toEqual(["sts:AssumeRole"]);
      expect(conditionValues(trust, "aws:SourceAccount", ["StringEquals"])).toEqual([envOf(fn).accountId]);
      // Lambda does not pass aws:SourceArn when assuming an execution role (modules/iam/service-role.ts).
      expect(conditionValues(trust, "aws:SourceArn")).toEqual([]);
    }
  });

  it("grants Resource \"*\" only for actions without resource-level permissions, and writes logs only to its own group", () => {
    for (const fn of functions()) {
      const statements = rolePolicies(fn).flatMap((p) => statementsOf(p.values.policy));
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements.filter((st) => st.effect === "Allow")) {
        // Resource "*" only for actions without resource types, or beside a Deny on every ARN of theirs (an SMS to a phone number).
        expect({ sid: s.sid, actions: scopableOnEverything(s, statements) }).toEqual({ sid: s.sid, actions: [] });
        for (const a of s.actions) expect(a).not.toMatch(/(^\*$|:\*$)/);
      }
      const logWrites = statements.filter((s) => s.actions.some((a) => a.startsWith("logs:")));
      const group = referencedResource(app, fn.stack, fn.values.logging_config.log_group)!;
      expect(logWrites.flatMap((s) => s.resources)).toEqual([`arn:aws:logs:${envOf(fn).region}:${envOf(fn).accountId}:log-group:${group.values.name}:*`]);
      expect(logWrites.flatMap((s) => s.actions).sort()).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    }
  });

  it("in a VPC: its own security group with described egress to named networks only, and network interfaces only in its subnets", () => {
    for (const fn of functions().filter((f) => f.values.vpc_config)) {
      const [groupRef] = fn.values.vpc_config.security_group_ids;
      const group = referencedResource(app, fn.stack, groupRef)!;
      expect(group.type).toBe("aws_security_group");
      // No inline rules: Terraform then removes AWS's default allow-all egress.
      expect(group.values.egress).toBeUndefined();
      expect(group.values.ingress).toBeUndefined();
      const egress = app.resources("aws_vpc_security_group_egress_rule", fn.stack).filter((r) => refersTo(app, fn.stack, r.values.security_group_id, group));
      expect(egress.length).toBeGreaterThan(0);
      for (const rule of egress) {
        expect(rule.values.description.length).toBeGreaterThan(10);
        expect(rule.values.ip_protocol).toBe("tcp");
        // The internet only over HTTPS, to an AWS API without a VPC endpoint (the send worker's SES), said in the description.
        if (["0.0.0.0/0", "::/0"].includes(rule.values.cidr_ipv4 ?? rule.values.cidr_ipv6)) {
          expect([rule.values.from_port, rule.values.to_port, rule.values.description]).toEqual([443, 443, expect.stringMatching(/no VPC endpoint/)]);
        }
      }
      expect(app.resources("aws_vpc_security_group_ingress_rule", fn.stack).filter((r) => refersTo(app, fn.stack, r.values.security_group_id, group))).toEqual([]);
      const create = rolePolicies(fn)
        .flatMap((p) => statementsOf(p.values.policy))
        .filter((s) => s.actions.includes("ec2:CreateNetworkInterface"));
      const subnets = create.flatMap((s) => s.resources).filter((r) => r.includes(":subnet/"));
      expect(subnets.length).toBe(fn.values.vpc_config.subnet_ids.length);
      for (const subnet of fn.values.vpc_config.subnet_ids) expect(subnets.some((arn) => arn.endsWith(`subnet/${subnet}`))).toBe(true);
    }
  });

  it("is packaged deterministically: two synths give byte-identical packages and the same source_code_hash", () => {
    for (const fn of functions()) {
      const other = again.resources("aws_lambda_function", fn.stack).find((f) => f.address === fn.address)!;
      expect(other.values.source_code_hash).toBe(fn.values.source_code_hash);
      expect(other.values.filename).toBe(fn.values.filename);
      const zip = packageOf(app, fn);
      expect(packageOf(again, other).equals(zip)).toBe(true);
      expect(createHash("sha256").update(zip).digest("base64")).toBe(fn.values.source_code_hash);
    }
  });

  it("comes out of main.ts from source byte for byte as out of npm run synth's app bundle (every file of every stack)", () => {
    // The quick loop's check of the app bundle; the build project's synth-app-bundle.test.ts
    // also builds the bundle afresh and damages its code cache.
    const bundled = fileTree(join(app.outdir, "stacks"));
    const fromSource = fileTree(join(again.outdir, "stacks"));
    expect([...fromSource.keys()].sort()).toEqual([...bundled.keys()].sort());
    expect([...bundled].filter(([file, contents]) => !fromSource.get(file)?.equals(contents)).map(([file]) => file)).toEqual([]);
  });

  it("has a bundle within the size limit (printed)", () => {
    const sizes = functions().map((fn) => {
      const js = readStoredZip(packageOf(app, fn)).find((e) => e.name === "index.js")!;
      return { function: `${fn.stack}/${fn.values.function_name}`, bundleBytes: js.data.length };
    });
    console.log(`Lambda bundle sizes (limit ${MAX_BUNDLE_BYTES} bytes):\n${sizes.map((s) => `  ${s.function}: ${s.bundleBytes}`).join("\n")}`);
    for (const s of sizes) expect(s.bundleBytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });
});

describe("the package", () => {
  it("is the same when bundled in a separate process (esbuild itself is deterministic, not just the in-process cache)", () => {
    const here = bundleFunction("rotate-mysql-credentials/handler.ts", { "onprem-ca.pem": "x" }).sourceCodeHash;
    const script = `process.stdout.write(require("./modules/compute/bundle").bundleFunction("rotate-mysql-credentials/handler.ts", { "onprem-ca.pem": "x" }).sourceCodeHash)`;
    // The bundle cache off, so the other process really runs esbuild.
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, [BUNDLE_CACHE_ENV]: "off" } });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(here);
  });

  it("loads in Node and exports the handler; the on-premises CA from config sits beside it", () => {
    const fn = functions().find((f) => f.values.function_name === "medicare-dev-rotate-mysql-credentials")!;
    const entries = readStoredZip(packageOf(app, fn));
    expect(entries.map((e) => e.name)).toEqual(["index.js", "onprem-ca.pem"]);
    expect(entries[1].data.toString("utf8")).toBe(ENVIRONMENTS.dev.onPrem.certificateAuthorityPem);
    expect(fn.values.environment.variables.ONPREM_CA_FILE).toBe("onprem-ca.pem");
    const dir = mkdtempSync(join(tmpdir(), "medicare-bundle-"));
    try {
      writeFileSync(join(dir, "index.js"), entries[0].data);
      const run = spawnSync(process.execPath, ["-e", `const m = require(${JSON.stringify(join(dir, "index.js"))}); process.stdout.write(typeof m.handler)`], {
        encoding: "utf8",
        env: { ...process.env, AWS_REGION: "eu-west-2" },
      });
      expect(run.stdout).toBe("function");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("zips entries sorted, with fixed timestamps and permissions, whatever order they come in", () => {
    const a = deterministicZip([
      { name: "b.txt", data: Buffer.from("second") },
      { name: "a.txt", data: Buffer.from("first") },
    ]);
    const b = deterministicZip([
      { name: "a.txt", data: Buffer.from("first") },
      { name: "b.txt", data: Buffer.from("second") },
    ]);
    expect(a.equals(b)).toBe(true);
    expect(readStoredZip(a).map((e) => [e.name, e.data.toString()])).toEqual([
      ["a.txt", "first"],
      ["b.txt", "second"],
    ]);
    // Local header: DOS time 0, date 1980-01-01; central directory: Unix 0644.
    expect(a.readUInt16LE(10)).toBe(0);
    expect(a.readUInt16LE(12)).toBe(33);
    expect(() => deterministicZip([{ name: "../escape", data: Buffer.alloc(0) }])).toThrow(/relative path/);
    expect(() => deterministicZip([{ name: "x", data: Buffer.alloc(0) }, { name: "x", data: Buffer.alloc(1) }])).toThrow(/given twice/);
  });
});

describe("NodeFunction refuses insecure or broken settings", () => {
  const env = ENVIRONMENTS.dev;
  let security: SecurityStack;
  let stack: MedicareStack;
  let n = 0;

  beforeAll(() => {
    const testApp = new App({ outdir: mkdtempSync(join(tmpdir(), "medicare-fn-test-")) });
    security = new SecurityStack(testApp, env);
    stack = new MedicareStack(testApp, { env, component: "fn-test", dataClassification: "internal" });
  });

  const make = (overrides: Partial<NodeFunctionProps>) => () =>
    new NodeFunction(stack, `fn-${n++}`, {
      name: `probe-${n}`,
      description: "probe",
      entry: "rotate-mysql-credentials/handler.ts",
      keys: security.keys,
      boundary: security.workloadBoundary,
      reservedConcurrency: 1,
      ...overrides,
    });

  it.each([
    ["a secret-named variable", { environment: { DB_PASSWORD: "x" } }, /DB_PASSWORD looks like it holds a secret/],
    ["a variable holding a private key", { environment: { CONFIG: ["-----BEGIN ", "PRIVATE KEY-----"].join("") } }, /CONFIG holds a PEM private key/],
    ["a variable holding an access key id", { environment: { CONFIG: ["AKIA", "IOSFODNN7EXAMPLE"].join("") } }, /CONFIG holds an AWS access key id/],
    ["no reserved concurrency", { reservedConcurrency: 0 }, /reservedConcurrency must be an integer >= 1/],
    ["an entry outside functions/", { entry: "../main.ts" }, /must be an existing file under functions\//],
  ])("%s", (_what, overrides, message) => {
    expect(make(overrides as Partial<NodeFunctionProps>)).toThrow(message);
  });

  it("accepts an ARN reference to a secret", () => {
    expect(make({ environment: { DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-2:111111111111:secret:x" } })).not.toThrow();
  });
});

describe("ServiceRole's aws:SourceArn exception is only for services that do not pass it", () => {
  const env = ENVIRONMENTS.dev;
  let security: SecurityStack;
  let stack: MedicareStack;

  beforeAll(() => {
    const testApp = new App({ outdir: mkdtempSync(join(tmpdir(), "medicare-role-test-")) });
    security = new SecurityStack(testApp, env);
    stack = new MedicareStack(testApp, { env, component: "role-test", dataClassification: "internal" });
  });

  const role = (id: string, servicePrincipal: string, sourceArnLike?: string) => () =>
    new ServiceRole(stack, id, {
      name: id,
      description: "probe",
      servicePrincipal,
      sourceArnLike,
      boundary: security.workloadBoundary,
      statements: [{ sid: "Probe", actions: ["xray:PutTraceSegments"] }],
    });

  it("other services must name their source", () => {
    expect(role("a", "vpc-flow-logs.amazonaws.com")).toThrow(/give sourceArnLike/);
  });

  it("Lambda must not (the condition would lock it out)", () => {
    expect(role("b", "lambda.amazonaws.com", "arn:aws:lambda:eu-west-2:111111111111:function:*")).toThrow(/does not pass aws:SourceArn/);
    expect(role("c", "lambda.amazonaws.com")).not.toThrow();
  });
});
