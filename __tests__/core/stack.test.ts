import { spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { dirname, isAbsolute, join, resolve } from "path";
import { App } from "cdktf";
import { Construct } from "constructs";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { ORGANIZATION } from "../../modules/config/organization";
import { ORGANIZATION_STACKS } from "../../modules/organization/organization-stack";
import { EnvironmentConfig, StateBackendConfig } from "../../modules/config/schema";
import { MedicareStack } from "../../modules/core/medicare-stack";
import { TIERS } from "../../modules/network/subnet-layout";
import { taggableResourceTypes } from "../../scripts/platform/gen-taggable-types";
import { SynthesizedApp, allResources, synthesize } from "../support/synth";
import { SYNTH_SCRIPT } from "../../scripts/platform/lib/synth";

const COMPONENTS = ["security", "network", "data", "edge", "campaign"];
/** The data classification each component declares for its resources. */
const CLASSIFICATION: Record<string, string> = { security: "confidential", network: "internal", data: "phi", edge: "phi", campaign: "phi" };
const REQUIRED_TAGS = ["owner", "environment", "data-classification", "component"];

const KMS_ARN = (account: string) => `arn:aws:kms:eu-west-2:${account}:key/12345678-1234-1234-1234-123456789012`;

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** `<env>-<component>` -> [env, component]. */
function splitStackName(name: string): [string, string] {
  const i = name.indexOf("-");
  return [name.slice(0, i), name.slice(i + 1)];
}

let app: SynthesizedApp;
let taggable: Set<string>;
beforeAll(() => {
  app = synthesize();
  taggable = new Set(taggableResourceTypes());
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

describe("stack names and layout", () => {
  it("every environment has a <env>-security, <env>-network, <env>-data, <env>-edge and <env>-campaign stack, the organization its own, and nothing else", () => {
    const expected = [...ORGANIZATION_STACKS, ...Object.keys(ENVIRONMENTS).flatMap((env) => COMPONENTS.map((c) => `${env}-${c}`))];
    expect(Object.keys(app.stacks).sort()).toEqual(expected.sort());
  });

  it("each stack is written to stacks/<name>/cdk.tf.json and names itself", () => {
    for (const name of Object.keys(app.stacks)) {
      const file = join(app.outdir, "stacks", name, "cdk.tf.json");
      expect(existsSync(file)).toBe(true);
      expect(app.stacks[name]["//"].metadata.stackName).toBe(name);
    }
  });

  it("the manifest lists each stack with its relative path, and the network stack depends on the security stack", () => {
    const manifest = JSON.parse(readFileSync(join(app.outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(Object.keys(app.stacks).sort());
    for (const [name, entry] of Object.entries<any>(manifest.stacks)) {
      expect(entry.synthesizedStackPath).toBe(`stacks/${name}/cdk.tf.json`);
      expect(entry.workingDirectory).toBe(`stacks/${name}`);
    }
    for (const env of Object.keys(ENVIRONMENTS)) {
      expect(manifest.stacks[`${env}-network`].dependencies).toEqual([`${env}-security`]);
      expect([...manifest.stacks[`${env}-data`].dependencies].sort()).toEqual([`${env}-network`, `${env}-security`]);
    }
  });
});

describe("provider", () => {
  it.each(Object.keys(ENVIRONMENTS))(
    "every %s stack has one default AWS provider in its region and at most a backup-region alias (edge: a us-east-1 alias), all locked to its account",
    (env) => {
      const config = ENVIRONMENTS[env];
      for (const component of COMPONENTS) {
        const providers: any[] = app.stacks[`${env}-${component}`].provider.aws;
        const defaults = providers.filter((p) => p.alias === undefined);
        expect(defaults).toHaveLength(1);
        expect(defaults[0].region).toBe(config.region);
        const aliases = providers.filter((p) => p.alias !== undefined);
        // The edge stack alone needs us-east-1 (CloudFront's certificate and WAF, DNSSEC, Route 53 query logs).
        const allowed = component === "edge" ? [["us_east_1", "us-east-1"]] : [["backup_region", config.backupRegion]];
        expect(aliases.map((p) => [p.alias, p.region])).toEqual(aliases.length ? allowed : []);
        for (const provider of providers) {
          expect(provider.allowed_account_ids).toEqual([config.accountId]);
          expect(provider.forbidden_account_ids).toBeUndefined();
        }
      }
    },
  );

  it("the security and data stacks reach the backup region (keys, access logs, vault and replicas live there)", () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      for (const component of ["security", "data"]) {
        expect(app.stacks[`${env}-${component}`].provider.aws.map((p: any) => p.alias)).toContain("backup_region");
      }
    }
  });
});

describe("local state backend", () => {
  it("each stack keeps its state at <project>/terraform.<stack>.tfstate, by a relative path", () => {
    for (const [name, doc] of Object.entries(app.stacks)) {
      const path = doc.terraform.backend.local.path;
      expect(isAbsolute(path)).toBe(false);
      // Terraform runs in <outdir>/stacks/<name>; the project root is the outdir's parent.
      expect(resolve(app.outdir, "stacks", name, path)).toBe(join(dirname(app.outdir), `terraform.${name}.tfstate`));
    }
  });

  it("cross-stack references read the other stack's state by the same relative path", () => {
    for (const [name, doc] of Object.entries(app.stacks)) {
      for (const [input, remote] of Object.entries<any>(doc.data?.terraform_remote_state ?? {})) {
        const source = input.replace(/^cross-stack-reference-input-/, "");
        expect(remote.backend).toBe("local");
        expect(remote.config.path).toBe(app.stacks[source].terraform.backend.local.path);
        expect(splitStackName(source)[0]).toBe(splitStackName(name)[0]); // never across environments
      }
    }
  });

  it("no absolute path of the checkout or the output directory appears in any output file", () => {
    const files = filesUnder(app.outdir);
    expect(files.length).toBeGreaterThan(Object.keys(app.stacks).length);
    const leaks = files.flatMap((file) => {
      const text = readFileSync(file, "utf8");
      return [app.outdir, tmpdir(), "/work/", resolve(__dirname, "../..")]
        .filter((needle) => text.includes(needle))
        .map((needle) => `${file.slice(app.outdir.length)} contains ${needle}`);
    });
    expect(leaks).toEqual([]);
  });
});

describe("S3 state backend", () => {
  let s3App: SynthesizedApp;
  beforeAll(() => {
    const withState = (env: EnvironmentConfig, state: StateBackendConfig): EnvironmentConfig => ({ ...env, state });
    s3App = synthesize([
      withState(ENVIRONMENTS.dev, { kind: "s3", bucket: "medicare-dev-tfstate", region: "eu-west-2", kmsKeyArn: KMS_ARN("111111111111") }),
      withState(ENVIRONMENTS.prod, {
        kind: "s3",
        bucket: "medicare-prod-tfstate",
        region: "eu-west-2",
        kmsKeyArn: KMS_ARN("222222222222"),
        lock: { dynamodbTable: "medicare-prod-tflock" },
      }),
    ]);
  });
  afterAll(() => rmSync(s3App.outdir, { recursive: true, force: true }));

  it.each(["dev-security", "dev-network"])("%s (lockfile) is encrypted with the state key and uses S3-native locking", (name) => {
    const backend = s3App.stacks[name].terraform.backend;
    expect(Object.keys(backend)).toEqual(["s3"]);
    expect(backend.s3).toEqual({
      bucket: "medicare-dev-tfstate",
      key: `medicare/${name}/terraform.tfstate`,
      region: "eu-west-2",
      encrypt: true,
      kms_key_id: KMS_ARN("111111111111"),
      use_lockfile: true,
    });
  });

  it.each(["prod-security", "prod-network"])("%s (DynamoDB lock) is encrypted with the state key and locks with the table", (name) => {
    const backend = s3App.stacks[name].terraform.backend;
    expect(Object.keys(backend)).toEqual(["s3"]);
    expect(backend.s3).toEqual({
      bucket: "medicare-prod-tfstate",
      key: `medicare/${name}/terraform.tfstate`,
      region: "eu-west-2",
      encrypt: true,
      kms_key_id: KMS_ARN("222222222222"),
      dynamodb_table: "medicare-prod-tflock",
    });
  });

  it("cross-stack references read encrypted state from the same bucket", () => {
    for (const env of ["dev", "prod"]) {
      const remote = s3App.stacks[`${env}-network`].data.terraform_remote_state[`cross-stack-reference-input-${env}-security`];
      expect(remote.backend).toBe("s3");
      expect(remote.config).toEqual(
        expect.objectContaining({ bucket: `medicare-${env}-tfstate`, key: `medicare/${env}-security/terraform.tfstate`, encrypt: true }),
      );
    }
  });
});

describe("required tags", () => {
  it("the taggable type list is the provider's (sanity check of the list itself)", () => {
    expect(taggable.has("aws_vpc")).toBe(true);
    expect(taggable.has("aws_kms_key")).toBe(true);
    expect(taggable.has("aws_subnet")).toBe(true);
    expect(taggable.has("aws_kms_alias")).toBe(false);
    expect(taggable.has("aws_route")).toBe(false);
  });

  it("every taggable resource carries owner, environment, data-classification and component with its stack's values", () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const [name, doc] of Object.entries(app.stacks)) {
      const [env, component] = splitStackName(name);
      // The organization's stacks are their own "environment", owned by the organization config's owner.
      const expected = ORGANIZATION_STACKS.includes(name)
        ? { owner: ORGANIZATION!.owner, environment: "organization", "data-classification": "confidential", component: name }
        : { owner: ENVIRONMENTS[env].owner, environment: env, "data-classification": CLASSIFICATION[component], component };
      for (const resource of allResources(name, doc).filter((r) => taggable.has(r.type))) {
        checked++;
        const actual = Object.fromEntries(REQUIRED_TAGS.map((k) => [k, resource.values.tags?.[k]]));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push(`${name} ${resource.address}: ${JSON.stringify(actual)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it("the taggable list covers every resource type that carries tags (so none escapes the check above)", () => {
    const types = new Set(Object.values(app.stacks).flatMap((doc) => Object.keys(doc.resource ?? {})));
    const taggedButNotTaggable = [...types].filter(
      (t) => !taggable.has(t) && Object.values(app.stacks).some((doc) => Object.values<any>(doc.resource?.[t] ?? {}).some((r) => r.tags)),
    );
    expect(taggedButNotTaggable).toEqual([]);
  });

  it("a construct's own tags (Name, tier) survive next to the required ones", () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      const vpc = app.resources("aws_vpc", `${env}-network`)[0];
      expect(vpc.values.tags.Name).toBe(`medicare-${env}-vpc`);
      const subnets = app.resources("aws_subnet", `${env}-network`);
      expect(subnets.length).toBeGreaterThan(0);
      for (const subnet of subnets) {
        expect(subnet.values.tags.Name).toMatch(new RegExp(`^medicare-${env}-(public|app|data)-`));
        expect(TIERS).toContain(subnet.values.tags.tier);
        expect(subnet.values.tags.component).toBe("network");
      }
      const boundary = app.resources("aws_iam_policy", `${env}-security`)[0];
      expect(boundary.values.tags["policy-role"]).toBe("permission-boundary");
    }
  });

  describe("a construct that sets a required tag itself", () => {
    class ProbeStack extends MedicareStack {
      constructor(scope: Construct, env: EnvironmentConfig) {
        super(scope, { env, component: "probe", dataClassification: "phi" });
        new Vpc(this, "vpc", {
          cidrBlock: "10.99.0.0/16",
          tags: {
            Name: "probe-vpc",
            owner: "someone-else",
            environment: "prod",
            "data-classification": "public",
            component: "not-probe",
          },
        });
      }
    }

    let tags: Record<string, string>;
    let outdir: string;
    beforeAll(() => {
      outdir = mkdtempSync(join(tmpdir(), "medicare-probe-"));
      const probeApp = new App({ outdir });
      new ProbeStack(probeApp, ENVIRONMENTS.dev);
      probeApp.synth();
      const doc = JSON.parse(readFileSync(join(outdir, "stacks", "dev-probe", "cdk.tf.json"), "utf8"));
      tags = Object.values<any>(doc.resource.aws_vpc)[0].tags;
    });
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    it("cannot override it: the stack's required tags win", () => {
      expect(tags).toEqual({
        Name: "probe-vpc",
        owner: ENVIRONMENTS.dev.owner,
        environment: "dev",
        "data-classification": "phi",
        component: "probe",
      });
    });
  });
});

// Through npm run synth's script, which hands main.ts (from its cached bundle) the arguments.
describe("main.ts selection", () => {
  interface Run {
    code: number | null;
    stderr: string;
    outdir: string;
  }

  function runMain(args: string[]): Promise<Run> {
    const outdir = mkdtempSync(join(tmpdir(), "medicare-cli-"));
    return new Promise((done, fail) => {
      const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
      delete env.MEDICARE_ENV;
      const child = spawn(process.execPath, [SYNTH_SCRIPT, ...args], {
        cwd: resolve(__dirname, "../.."),
        env,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", fail);
      child.on("close", (code) => done({ code, stderr, outdir }));
    });
  }

  let dev: Run;
  let unknown: Run;
  beforeAll(async () => {
    [dev, unknown] = await Promise.all([runMain(["--env=dev"]), runMain(["--env", "dev,nope"])]);
  });
  afterAll(() => {
    for (const run of [dev, unknown]) if (run) rmSync(run.outdir, { recursive: true, force: true });
  });

  it("--env=dev synthesizes only the dev stacks, into CDKTF_OUTDIR", () => {
    expect({ code: dev.code, stderr: dev.stderr }).toEqual({ code: 0, stderr: "" });
    expect(readdirSync(join(dev.outdir, "stacks")).sort()).toEqual(["dev-campaign", "dev-data", "dev-edge", "dev-network", "dev-security"]);
  });

  it("an unknown environment among known ones is a ConfigError (exit 2) and nothing is synthesized", () => {
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Invalid environment config:/);
    expect(unknown.stderr).toContain('environment "nope" is unknown; choose from dev, prod');
    expect(readdirSync(unknown.outdir)).toEqual([]);
  });
});
