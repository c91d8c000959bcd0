/**
 * Secrets: every Secrets Manager secret in every environment uses the data key, rotates at
 * most every 90 days by the stack's rotation function and holds no value in Terraform; and
 * no literal secret appears in ANY string of ANY synthesized stack.
 */
import { readdirSync, readFileSync, rmSync, statSync } from "fs";
import { join } from "path";
import { readStoredZip } from "../../modules/compute/deterministic-zip";
import { isCredentialAttributeName, isReference, isSecretEnvironmentName, secretMaterialIn } from "../../modules/compute/secret-patterns";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { statementsOf } from "../support/policy";
import { referencedResource, refersTo } from "../support/refs";
import { synthesize, SynthesizedApp, SynthResource } from "../support/synth";

let app: SynthesizedApp;

beforeAll(() => {
  app = synthesize();
});

afterAll(() => {
  rmSync(app.outdir, { recursive: true, force: true });
});

const envOf = (r: SynthResource) => ENVIRONMENTS[r.stack.split("-")[0]];
const secrets = () => app.resources("aws_secretsmanager_secret");
const rotationFunctionOf = (stack: string) =>
  app.resources("aws_lambda_function", stack).filter((f) => f.path.endsWith("/credential-rotation/function/function"));

describe("every Secrets Manager secret in every environment", () => {
  it("exist: the DMS source and target credentials in each data stack", () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      expect(secrets().filter((s) => s.stack === `${env}-data`).map((s) => s.values.name).sort()).toEqual(
        expect.arrayContaining([`medicare-${env}-dms-source`, `medicare-${env}-dms-target`]),
      );
    }
  });

  it("is encrypted with its environment's data key (followed across stacks), named medicare-<env>-..., recoverable for 30 days", () => {
    for (const secret of secrets()) {
      const key = referencedResource(app, secret.stack, secret.values.kms_key_id);
      expect({ secret: secret.address, key: key && `${key.stack}:${key.path.split("/").slice(1).join("/")}` }).toEqual({
        secret: secret.address,
        key: `${envOf(secret).name}-security:keys/data/key`,
      });
      expect(secret.values.name).toMatch(new RegExp(`^medicare-${envOf(secret).name}-[a-z0-9-]+$`));
      expect(secret.values.recovery_window_in_days).toBe(30);
    }
  });

  it("rotates every 30 days (<= 90) by its stack's one rotation function, and not at creation (the operator sets the first value)", () => {
    for (const secret of secrets()) {
      const rotations = app.resources("aws_secretsmanager_secret_rotation", secret.stack).filter((r) => refersTo(app, secret.stack, r.values.secret_id, secret));
      expect(rotations).toHaveLength(1);
      const [rotation] = rotations;
      expect(rotation.values.rotation_rules).toEqual({ automatically_after_days: 30 });
      expect(rotation.values.rotation_rules.automatically_after_days).toBeLessThanOrEqual(90);
      expect(rotation.values.rotate_immediately).toBe(false);
      const [fn] = rotationFunctionOf(secret.stack);
      expect(refersTo(app, secret.stack, rotation.values.rotation_lambda_arn, fn, "arn")).toBe(true);
    }
  });

  it("may be rotated by Secrets Manager for that secret only (source ARN and account on the invoke permission)", () => {
    for (const secret of secrets()) {
      const [fn] = rotationFunctionOf(secret.stack);
      const permissions = app
        .resources("aws_lambda_permission", secret.stack)
        .filter((p) => refersTo(app, secret.stack, p.values.source_arn, secret, "arn"));
      expect(permissions).toHaveLength(1);
      expect(permissions[0].values).toMatchObject({ action: "lambda:InvokeFunction", principal: "secretsmanager.amazonaws.com", source_account: envOf(secret).accountId });
      expect(refersTo(app, secret.stack, permissions[0].values.function_name, fn)).toBe(true);
    }
  });

  it("is the only secret the rotation function may read and write: its grants name exactly the stack's secrets", () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      const stack = `${env}-data`;
      const [fn] = rotationFunctionOf(stack);
      const role = referencedResource(app, stack, fn.values.role)!;
      const statements = app
        .resources("aws_iam_role_policy", stack)
        .filter((p) => refersTo(app, stack, p.values.role, role))
        .flatMap((p) => statementsOf(p.values.policy))
        .filter((s) => s.effect === "Allow" && s.actions.some((a) => a.startsWith("secretsmanager:") && a !== "secretsmanager:GetRandomPassword"));
      const granted = statements.flatMap((s) => s.resources).map((r) => referencedResource(app, stack, r)?.address ?? r);
      const stackSecrets = secrets().filter((s) => s.stack === stack).map((s) => s.address);
      expect(granted.sort()).toEqual(stackSecrets.sort());
      expect(statements.flatMap((s) => s.actions).sort()).toEqual([
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
      ]);
    }
  });

  it("can be rotated: the rotation function may reach Aurora, which admits its security group on 3306 exactly once", () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      const stack = `${env}-data`;
      const [fn] = rotationFunctionOf(stack);
      const functionGroup = referencedResource(app, stack, fn.values.vpc_config.security_group_ids[0])!;
      for (const cluster of app.resources("aws_rds_cluster", stack)) {
        const clusterGroups = cluster.values.vpc_security_group_ids.map((id: string) => referencedResource(app, stack, id)!);
        const admits = app
          .resources("aws_vpc_security_group_ingress_rule", stack)
          .filter((r) => clusterGroups.some((g: SynthResource) => refersTo(app, stack, r.values.security_group_id, g)))
          .filter((r) => refersTo(app, stack, r.values.referenced_security_group_id, functionGroup));
        expect(admits.map((r) => [r.values.from_port, r.values.to_port])).toEqual([[3306, 3306]]);
      }
    }
  });

  it("holds no value in Terraform: no aws_secretsmanager_secret_version anywhere", () => {
    expect(app.resources("aws_secretsmanager_secret_version").map((v) => v.address)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// The scan of every string

interface Finding {
  readonly where: string;
  readonly what: string;
}

/** Walks a parsed cdk.tf.json and reports literal credentials and key material wherever they are. */
function scanDocument(doc: unknown, where: string): Finding[] {
  const findings: Finding[] = [];
  const visit = (value: unknown, path: readonly (string | number)[]): void => {
    if (typeof value === "string") {
      const material = secretMaterialIn(value);
      if (material) findings.push({ where: `${where}:${path.join(".")}`, what: material });
      const key = path[path.length - 1];
      // Cognito's token_validity_units names the unit of each token's lifetime, not a token (as in SEC-002).
      const inUnitsBlock = path.includes("token_validity_units");
      if (typeof key === "string" && isCredentialAttributeName(key) && !inUnitsBlock && value.trim() !== "" && !isReference(value)) {
        findings.push({ where: `${where}:${path.join(".")}`, what: "a literal value in a credential attribute" });
      }
      // environment.variables.<NAME> of a Lambda function
      if (path.length >= 3 && path[path.length - 3] === "environment" && path[path.length - 2] === "variables" && typeof key === "string") {
        if (isSecretEnvironmentName(key) && !isReference(value)) findings.push({ where: `${where}:${path.join(".")}`, what: "a secret-named environment variable with a literal value" });
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (k !== "//") visit(v, [...path, k]);
  };
  visit(doc, []);
  return findings;
}

/** Every file of the synthesized output: the stacks' JSON and the files packaged beside each function's bundle. */
function scanOutput(outdir: string): { findings: Finding[]; files: number } {
  const findings: Finding[] = [];
  let files = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith(".json")) {
        files++;
        findings.push(...scanDocument(JSON.parse(readFileSync(file, "utf8")), file.slice(outdir.length + 1)));
      } else if (name.endsWith(".zip")) {
        files++;
        // Configuration files packaged with a function (the bundle itself is third-party code).
        for (const entry of readStoredZip(readFileSync(file)).filter((e) => e.name !== "index.js")) {
          const material = secretMaterialIn(entry.data.toString("utf8"));
          if (material) findings.push({ where: `${file.slice(outdir.length + 1)}!${entry.name}`, what: material });
        }
      }
    }
  };
  walk(outdir);
  return { findings, files };
}

describe("no literal secret in any synthesized file", () => {
  it("every string of every stack (and every file packaged with a function) is free of credentials and key material", () => {
    const { findings, files } = scanOutput(join(app.outdir, "stacks"));
    expect(files).toBeGreaterThanOrEqual(Object.keys(app.stacks).length);
    expect(findings).toEqual([]);
  });

  describe("the scanner itself", () => {
    const pem = ["-----BEGIN ", "EC PRIVATE KEY", "-----\nMHcCAQEEIB\n-----END ", "EC PRIVATE KEY", "-----"].join("");
    const accessKeyId = ["ASIA", "Y34FZKBOKMUTVV7A"].join("");

    it("catches planted credentials of each kind, at any depth", () => {
      const planted = {
        resource: {
          aws_rds_cluster: { c: { master_password: "hunter2hunter2" } },
          aws_mq_broker: { b: { user: [{ username: "admin", password: "literal-password" }] } },
          aws_lambda_function: { f: { environment: { variables: { API_TOKEN: "tok_live_123456", LOG_LEVEL: "INFO" } } } },
          aws_ssm_parameter: { p: { value: `key=${accessKeyId}` } },
          aws_iam_server_certificate: { s: { description: pem } },
        },
        provider: { aws: [{ secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }] },
      };
      expect(scanDocument(planted, "planted").map((f) => `${f.where}: ${f.what}`)).toEqual([
        "planted:resource.aws_rds_cluster.c.master_password: a literal value in a credential attribute",
        "planted:resource.aws_mq_broker.b.user.0.password: a literal value in a credential attribute",
        "planted:resource.aws_lambda_function.f.environment.variables.API_TOKEN: a literal value in a credential attribute",
        "planted:resource.aws_lambda_function.f.environment.variables.API_TOKEN: a secret-named environment variable with a literal value",
        "planted:resource.aws_ssm_parameter.p.value: an AWS access key id",
        "planted:resource.aws_iam_server_certificate.s.description: a PEM private key",
        "planted:provider.aws.0.secret_key: a literal value in a credential attribute",
      ]);
    });

    it("leaves references, switches, certificates and ordinary text alone", () => {
      const clean = {
        resource: {
          aws_rds_cluster: { c: { manage_master_user_password: true, master_user_secret_kms_key_id: "${aws_kms_key.k.arn}" } },
          aws_secretsmanager_secret_version: { v: { secret_string: "${random_password.p.result}" } },
          aws_dms_certificate: { c: { certificate_pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" } },
          aws_lambda_function: { f: { environment: { variables: { DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-2:111111111111:secret:x" } } } },
          aws_iam_role: { r: { name: "MEDICAREAKIAROLE", description: "password rotation role" } },
          aws_cognito_user_pool_client: { c: { token_validity_units: [{ access_token: "minutes", refresh_token: "hours" }] } },
        },
      };
      expect(scanDocument(clean, "clean")).toEqual([]);
    });
  });
});
