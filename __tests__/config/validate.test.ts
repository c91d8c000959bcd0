import { spawn } from "child_process";
import { mkdtempSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { EnvironmentConfig } from "../../modules/config/schema";
import { ConfigError, selectEnvironments, validateEnvironments } from "../../modules/config/validate";
import { SYNTH_SCRIPT } from "../../scripts/platform/lib/synth";

type Environments = Record<string, EnvironmentConfig>;

/** A deep partial of a config, for describing one change to a valid environment. */
type Patch<T> = { [K in keyof T]?: T[K] extends object ? Patch<T[K]> | T[K] : T[K] };

function merge<T>(base: T, patch: Patch<T>): T {
  const out: any = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = (base as any)[key];
    out[key] =
      value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object"
        ? merge(current, value)
        : value;
  }
  return out;
}

/** The real environments with one environment changed. */
function withEnv(key: string, patch: Patch<EnvironmentConfig>): Environments {
  return { ...ENVIRONMENTS, [key]: merge(ENVIRONMENTS[key], patch) };
}

/** Validates and returns the ConfigError; fails the test when validation passes or throws something else. */
function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError, but nothing was thrown");
}

const problemsOf = (environments: Environments) => configErrorOf(() => validateEnvironments(environments));

/** The one problem reported for `path` (exactly one, so a message cannot hide behind another). */
function problemAt(error: ConfigError, path: string): string {
  const matching = error.problems.filter((p) => p.startsWith(`${path}: `));
  expect(matching).toHaveLength(1);
  expect(error.message).toContain(matching[0]);
  return matching[0];
}

describe("the real ENVIRONMENTS", () => {
  it("validate", () => {
    expect(() => validateEnvironments(ENVIRONMENTS)).not.toThrow();
  });

  it("define dev and prod, each keyed by its name", () => {
    expect(Object.keys(ENVIRONMENTS).sort()).toEqual(["dev", "prod"]);
    for (const [key, env] of Object.entries(ENVIRONMENTS)) expect(env.name).toBe(key);
  });
});

describe("an invalid environment throws ConfigError naming the field and what to change", () => {
  const cases: readonly [string, Environments, string, RegExp][] = [
    [
      "VPC overlapping the on-premises network",
      withEnv("dev", { onPrem: { cidr: "10.20.128.0/20", dns: { domain: "medicare.internal", servers: ["10.20.128.2"] } } }),
      "environments.dev.onPrem.cidr",
      /overlaps network\.vpcCidr 10\.20\.0\.0\/16.*disjoint/,
    ],
    [
      "on-premises network containing the VPC",
      withEnv("prod", { onPrem: { cidr: "10.0.0.0/8", dns: { domain: "medicare.internal", servers: ["10.1.0.2"] } } }),
      "environments.prod.onPrem.cidr",
      /overlaps network\.vpcCidr 10\.10\.0\.0\/16/,
    ],
    [
      "VPCs of two environments overlapping",
      withEnv("prod", { network: { vpcCidr: "10.20.0.0/16" } }),
      "environments.prod.network.vpcCidr",
      /overlaps environments\.dev\.network\.vpcCidr 10\.20\.0\.0\/16; give each environment its own range/,
    ],
    [
      "VPN peer that is not an IP address",
      withEnv("dev", { onPrem: { vpnPeerIp: "203.0.113.300" } }),
      "environments.dev.onPrem.vpnPeerIp",
      /not an IPv4 address; set the public IP/,
    ],
    [
      "VPN peer that is a private address",
      withEnv("dev", { onPrem: { vpnPeerIp: "192.168.1.1" } }),
      "environments.dev.onPrem.vpnPeerIp",
      /not a public address.*internet-facing IP/,
    ],
    [
      "account id that is not 12 digits",
      withEnv("prod", { accountId: "22222222222" }),
      "environments.prod.accountId",
      /not a 12-digit AWS account id/,
    ],
    [
      "account id with letters",
      withEnv("prod", { accountId: "22222222222x" }),
      "environments.prod.accountId",
      /not a 12-digit AWS account id/,
    ],
    [
      "retention that CloudWatch accepts but below 365 days",
      withEnv("dev", { logRetentionDays: 180 }),
      "environments.dev.logRetentionDays",
      /below the 365-day minimum.*raise it/,
    ],
    [
      "retention that is not a CloudWatch value",
      withEnv("prod", { logRetentionDays: 2000 }),
      "environments.prod.logRetentionDays",
      /2000 is not a CloudWatch Logs retention value; use one of 365, 400, .*2192/,
    ],
    [
      "four availability zones",
      withEnv("dev", { network: { azCount: 4 } }),
      "environments.dev.network.azCount",
      /4 must be 2 or 3/,
    ],
    [
      "one availability zone",
      withEnv("dev", { network: { azCount: 1 } }),
      "environments.dev.network.azCount",
      /1 must be 2 or 3/,
    ],
    [
      "BGP ASN reserved by AWS",
      withEnv("prod", { onPrem: { bgpAsn: 7224 } }),
      "environments.prod.onPrem.bgpAsn",
      /7224 is not a usable BGP ASN.*omit it for static routing/,
    ],
    [
      "BGP ASN of zero",
      withEnv("prod", { onPrem: { bgpAsn: 0 } }),
      "environments.prod.onPrem.bgpAsn",
      /0 is not a usable BGP ASN/,
    ],
    [
      "BGP ASN beyond 32 bits",
      withEnv("prod", { onPrem: { bgpAsn: 4294967295 } }),
      "environments.prod.onPrem.bgpAsn",
      /4294967295 is not a usable BGP ASN/,
    ],
    [
      "S3 state with a malformed KMS key ARN",
      withEnv("dev", {
        state: { kind: "s3", bucket: "medicare-tfstate", region: "eu-west-2", kmsKeyArn: "alias/terraform-state" },
      }),
      "environments.dev.state.kmsKeyArn",
      /not a KMS key ARN \(state is always encrypted with a customer-managed key\)/,
    ],
    [
      "S3 state locked by a DynamoDB table with an invalid name",
      withEnv("dev", {
        state: {
          kind: "s3",
          bucket: "medicare-tfstate",
          region: "eu-west-2",
          kmsKeyArn: "arn:aws:kms:eu-west-2:111111111111:key/12345678-1234-1234-1234-123456789012",
          lock: { dynamodbTable: "tf locks!" },
        },
      }),
      "environments.dev.state.lock.dynamodbTable",
      /not a DynamoDB table name/,
    ],
    [
      "on-premises CA that is not a PEM certificate",
      withEnv("dev", { onPrem: { certificateAuthorityPem: "MIIB..." } }),
      "environments.dev.onPrem.certificateAuthorityPem",
      /is not one PEM certificate.*paste the on-premises CA's public certificate/,
    ],
    [
      "on-premises CA pasted together with its private key",
      withEnv("dev", {
        onPrem: {
          certificateAuthorityPem: `${ENVIRONMENTS.dev.onPrem.certificateAuthorityPem}-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n`,
        },
      }),
      "environments.dev.onPrem.certificateAuthorityPem",
      /contains a private key; remove it/,
    ],
    [
      "Aurora instance class that is not an RDS class",
      withEnv("prod", { database: { instanceClass: "r7g.large" } }),
      "environments.prod.database.instanceClass",
      /not an RDS instance class \(e\.g\. "db\.r7g\.large"\)/,
    ],
    [
      "no Aurora instance",
      withEnv("dev", { database: { instances: 0 } }),
      "environments.dev.database.instances",
      /must be 1\.\.15/,
    ],
    [
      "automated backups kept less than a week",
      withEnv("dev", { database: { backupRetentionDays: 1 } }),
      "environments.dev.database.backupRetentionDays",
      /must be 7\.\.35 days/,
    ],
    [
      "automated backups kept longer than RDS allows",
      withEnv("prod", { database: { backupRetentionDays: 90 } }),
      "environments.prod.database.backupRetentionDays",
      /RDS allows at most 35/,
    ],
    [
      "database name with a hyphen",
      withEnv("dev", { database: { databaseName: "medi-care" } }),
      "environments.dev.database.databaseName",
      /not a database name/,
    ],
    [
      "unsupported source engine",
      withEnv("dev", { migration: { sourceEngine: "oracle" as any } }),
      "environments.dev.migration.sourceEngine",
      /use one of "mysql", "mariadb"/,
    ],
    [
      "source host given as an IP address (verify-full needs a name)",
      withEnv("prod", { migration: { sourceHost: "192.168.1.10" } }),
      "environments.prod.migration.sourceHost",
      /not a DNS name.*an IP address cannot be verified/,
    ],
    [
      "DMS class that is not a DMS class",
      withEnv("dev", { migration: { replicationInstanceClass: "db.t3.medium" } }),
      "environments.dev.migration.replicationInstanceClass",
      /not a DMS instance class/,
    ],
    [
      "DMS storage too small",
      withEnv("dev", { migration: { replicationStorageGib: 1 } }),
      "environments.dev.migration.replicationStorageGib",
      /must be 5\.\.6144 GiB/,
    ],
    [
      "export schedule that is a rate, not a cron",
      withEnv("prod", { export: { schedule: "rate(1 day)" } }),
      "environments.prod.export.schedule",
      /not an EventBridge Scheduler cron expression with six fields/,
    ],
    [
      "export kept for zero days",
      withEnv("dev", { export: { retentionDays: 0 } }),
      "environments.dev.export.retentionDays",
      /must be 1\.\.365 days/,
    ],
    [
      "audit trail kept for no years",
      withEnv("dev", { audit: { retentionYears: 0 } }),
      "environments.dev.audit.retentionYears",
      /must be a whole number of years, 1\.\.10/,
    ],
    [
      "audit trail kept for half a year",
      withEnv("prod", { audit: { retentionYears: 0.5 } }),
      "environments.prod.audit.retentionYears",
      /must be a whole number of years/,
    ],
    [
      "MFA a day old accepted",
      withEnv("dev", { identity: { mfaMaxAgeSeconds: 86400 } }),
      "environments.dev.identity.mfaMaxAgeSeconds",
      /must be 300\.\.3600 seconds/,
    ],
    [
      "puller common name with a space",
      withEnv("dev", { export: { pullerCommonName: "export puller" } }),
      "environments.dev.export.pullerCommonName",
      /not a certificate common name/,
    ],
    [
      "on-premises DNS zone with a trailing dot",
      withEnv("dev", { onPrem: { dns: { domain: "medicare.internal.", servers: ["192.168.0.2"] } } }),
      "environments.dev.onPrem.dns.domain",
      /"medicare\.internal\." is not a DNS zone name; set the on-premises zone .*without a trailing dot/,
    ],
    [
      "on-premises DNS zone that is an AWS service zone",
      withEnv("prod", {
        onPrem: { dns: { domain: "amazonaws.com", servers: ["192.168.0.2"] } },
        migration: { sourceHost: "patients-db.amazonaws.com" },
      }),
      "environments.prod.onPrem.dns.domain",
      /AWS service zone; forwarding it on-premises would break the VPC endpoints' private DNS/,
    ],
    [
      "no on-premises DNS server",
      withEnv("dev", { onPrem: { dns: { domain: "medicare.internal", servers: [] } } }),
      "environments.dev.onPrem.dns.servers",
      /lists no DNS server; give 1\.\.6 IPv4 addresses/,
    ],
    [
      "more DNS servers than a forwarding rule takes",
      withEnv("dev", {
        onPrem: { dns: { domain: "medicare.internal", servers: [1, 2, 3, 4, 5, 6, 7].map((n) => `192.168.0.${n}`) } },
      }),
      "environments.dev.onPrem.dns.servers",
      /lists 7 servers; a Resolver forwarding rule takes at most 6, so remove some/,
    ],
    [
      "DNS server outside the on-premises network",
      withEnv("prod", { onPrem: { dns: { domain: "medicare.internal", servers: ["192.168.0.2", "192.168.16.2"] } } }),
      "environments.prod.onPrem.dns.servers[1]",
      /192\.168\.16\.2 is outside onPrem\.cidr 192\.168\.0\.0\/20; .*give a resolver inside it/,
    ],
    [
      "DNS server that is not an IP address",
      withEnv("dev", { onPrem: { dns: { domain: "medicare.internal", servers: ["dns1.medicare.internal"] } } }),
      "environments.dev.onPrem.dns.servers[0]",
      /"dns1\.medicare\.internal" is not an IPv4 address/,
    ],
    [
      "the same DNS server twice",
      withEnv("dev", { onPrem: { dns: { domain: "medicare.internal", servers: ["192.168.0.2", "192.168.0.2"] } } }),
      "environments.dev.onPrem.dns.servers[1]",
      /192\.168\.0\.2 is listed twice; remove the duplicate/,
    ],
    [
      "source host outside the on-premises DNS zone",
      withEnv("prod", { migration: { sourceHost: "patients-db.example.org" } }),
      "environments.prod.migration.sourceHost",
      /patients-db\.example\.org is not in onPrem\.dns\.domain medicare\.internal, so nothing in the VPC can resolve it/,
    ],
    [
      "source host that only ends in the zone's letters, not in the zone",
      withEnv("dev", { migration: { sourceHost: "patients-db.notmedicare.internal" } }),
      "environments.dev.migration.sourceHost",
      /not in onPrem\.dns\.domain medicare\.internal/,
    ],
    [
      "app host outside the edge zone",
      withEnv("dev", { edge: { appHostname: "app.medicare.example" } }),
      "environments.dev.edge.appHostname",
      /app\.medicare\.example is not inside edge\.zoneName dev\.medicare\.example/,
    ],
    [
      "forms host that is not a DNS name",
      withEnv("prod", { edge: { formsHostname: "Forms_Site" } }),
      "environments.prod.edge.formsHostname",
      /"Forms_Site" is not a host name/,
    ],
    [
      "same host for the load balancer and CloudFront",
      withEnv("dev", { edge: { formsHostname: "app.dev.medicare.example" } }),
      "environments.dev.edge.formsHostname",
      /equals edge\.appHostname/,
    ],
    [
      "fleet sizes out of order",
      withEnv("prod", { edge: { fleet: { minSize: 3, desiredCapacity: 2, maxSize: 6 } } }),
      "environments.prod.edge.fleet",
      /minSize <= desiredCapacity <= maxSize \(got 3 <= 2 <= 6\)/,
    ],
    [
      "instance type that is not one",
      withEnv("dev", { edge: { fleet: { instanceType: "small" } } }),
      "environments.dev.edge.fleet.instanceType",
      /is not an EC2 instance type/,
    ],
    [
      "WAF rate limit below 100",
      withEnv("dev", { edge: { rateLimitPer5Minutes: 10 } }),
      "environments.dev.edge.rateLimitPer5Minutes",
      /10 must be a whole number of requests in 100\.\.2000000000/,
    ],
    [
      "patch window schedule that is not a cron expression",
      withEnv("dev", { edge: { patching: { windowSchedule: "rate(7 days)" } } }),
      "environments.dev.edge.patching.windowSchedule",
      /is not an SSM maintenance window cron expression/,
    ],
    [
      "snapshot time that is not HH:MM",
      withEnv("prod", { edge: { snapshots: { dailyAtUtc: "3am" } } }),
      "environments.prod.edge.snapshots.dailyAtUtc",
      /is not a time of day as HH:MM/,
    ],
    [
      "snapshot copies kept zero days",
      withEnv("prod", { edge: { snapshots: { copyRetentionDays: 0 } } }),
      "environments.prod.edge.snapshots.copyRetentionDays",
      /0 must be a whole number of days in 1\.\.365/,
    ],
    [
      "access tokens valid for a day",
      withEnv("dev", { edge: { cognito: { accessTokenMinutes: 1440 } } }),
      "environments.dev.edge.cognito.accessTokenMinutes",
      /1440 must be a whole number of minutes in 5\.\.60/,
    ],
    [
      "staff refresh tokens valid for a week",
      withEnv("prod", { edge: { cognito: { staffRefreshTokenHours: 168 } } }),
      "environments.prod.edge.cognito.staffRefreshTokenHours",
      /168 must be a whole number of hours \(staff sign in again at least daily\) in 1\.\.24/,
    ],
    [
      "name that differs from its key",
      withEnv("dev", { name: "qa" }),
      "environments.dev.name",
      /must equal its key "dev"/,
    ],
    [
      "campaign run budget that is not a whole number of pounds",
      withEnv("dev", { campaign: { runBudgetGbp: 12.5 } }),
      "environments.dev.campaign.runBudgetGbp",
      /12\.5 must be a whole number of pounds \(GBP\) a campaign run may cost in 1\.\.1000000/,
    ],
    [
      "campaign run budget missing",
      withEnv("prod", { campaign: { runBudgetGbp: undefined } }),
      "environments.prod.campaign.runBudgetGbp",
      /undefined must be a whole number of pounds/,
    ],
    [
      "campaign run budget above the SMS spend limit (SNS would stop the run half-way)",
      withEnv("dev", { campaign: { runBudgetGbp: 1000, sms: { monthlySpendLimitUsd: 50 } } }),
      "environments.dev.campaign.runBudgetGbp",
      /1000 GBP is USD \d+ at [0-9.]+ GBP per USD, above campaign\.sms\.monthlySpendLimitUsd 50: SNS would stop the run half-way; lower the budget or raise the limit/,
    ],
  ];

  it.each(cases)("%s", (_why, environments, path, says) => {
    const error = problemsOf(environments);
    expect(error.name).toBe("ConfigError");
    expect(problemAt(error, path)).toMatch(says);
    // The only problem: a fixture that broke something else by accident would prove nothing about `path`.
    expect(error.problems.map((p) => p.split(": ")[0])).toEqual([path]);
  });

  it("accepts a valid S3 state config with either lock", () => {
    const s3 = {
      kind: "s3" as const,
      bucket: "medicare-tfstate",
      region: "eu-west-2",
      kmsKeyArn: "arn:aws:kms:eu-west-2:111111111111:key/12345678-1234-1234-1234-123456789012",
    };
    expect(() => validateEnvironments(withEnv("dev", { state: s3 }))).not.toThrow();
    expect(() => validateEnvironments(withEnv("dev", { state: { ...s3, lock: { dynamodbTable: "terraform-locks" } } }))).not.toThrow();
  });

  it("reports several problems at once, each with its own field", () => {
    const error = problemsOf({
      ...withEnv("dev", {
        accountId: "123",
        network: { azCount: 4 },
        onPrem: { vpnPeerIp: "10.1.2.3" },
        logRetentionDays: 30,
      }),
      prod: merge(ENVIRONMENTS.prod, { network: { vpcCidr: "10.20.0.0/16" } }),
    });
    const paths = error.problems.map((p) => p.split(": ")[0]).sort();
    expect(paths).toEqual(
      [
        "environments.dev.accountId",
        "environments.dev.logRetentionDays",
        "environments.dev.network.azCount",
        "environments.dev.onPrem.vpnPeerIp",
        "environments.prod.network.vpcCidr",
      ].sort(),
    );
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it("rejects an empty set of environments", () => {
    expect(problemAt(problemsOf({}), "environments")).toMatch(/no environment is defined/);
  });
});

describe("selectEnvironments", () => {
  it("selects every environment when nothing is asked for", () => {
    expect(selectEnvironments(ENVIRONMENTS, undefined).map((e) => e.name)).toEqual(["dev", "prod"]);
    expect(selectEnvironments(ENVIRONMENTS, " ").map((e) => e.name)).toEqual(["dev", "prod"]);
  });

  it("selects a comma-separated list", () => {
    expect(selectEnvironments(ENVIRONMENTS, "prod").map((e) => e.name)).toEqual(["prod"]);
    expect(selectEnvironments(ENVIRONMENTS, "prod, dev").map((e) => e.name)).toEqual(["prod", "dev"]);
  });

  it("names an unknown environment and lists the known ones", () => {
    const error = configErrorOf(() => selectEnvironments(ENVIRONMENTS, "dev,nope"));
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain('environment "nope" is unknown');
    expect(error.message).toContain("choose from dev, prod");
  });
});

// Through npm run synth's script, which hands main.ts (from its cached bundle) the arguments.
describe("main.ts on the command line", () => {
  const root = resolve(__dirname, "../..");
  let outdir: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "medicare-cli-"));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  interface Run {
    code: number | null;
    stderr: string;
  }

  function runMain(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((done, fail) => {
      const inherited = { ...process.env };
      delete inherited.MEDICARE_ENV;
      const child = spawn(process.execPath, [SYNTH_SCRIPT, ...args], {
        cwd: root,
        env: { ...inherited, CDKTF_OUTDIR: outdir, ...env },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", fail);
      child.on("close", (code) => done({ code, stderr }));
    });
  }

  // The three runs are independent; start them together.
  let runs: Record<"flag" | "variable" | "noValue", Run>;
  beforeAll(async () => {
    const [flag, variable, noValue] = await Promise.all([
      runMain(["--env", "nope"]),
      runMain([], { MEDICARE_ENV: "nope" }),
      runMain(["--env"]),
    ]);
    runs = { flag, variable, noValue };
  });

  it.each([
    ["--env nope", "flag"],
    ["MEDICARE_ENV=nope", "variable"],
  ] as const)("%s exits 2 naming the environment and the known ones", (_how, which) => {
    const run = runs[which];
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('environment "nope" is unknown');
    expect(run.stderr).toContain("choose from dev, prod");
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
  });

  it("--env with no value exits 2 saying how to pass one", () => {
    expect(runs.noValue.code).toBe(2);
    expect(runs.noValue.stderr).toContain("--env needs a value");
  });

  it("writes nothing when the selection is invalid", () => {
    expect(readdirSync(outdir)).toEqual([]);
  });
});
