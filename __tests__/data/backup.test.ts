import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { MedicareStack } from "../../modules/core/medicare-stack";
import { APP_TIER_BACKUP_TAG_KEY, DataBackup, DataBackupProps, appTierVolumeBackupTags } from "../../modules/data/backup";
import { UNSCOPED_ACTIONS } from "../../modules/iam/unscoped-actions";
import { SecurityStack } from "../../modules/security/security-stack";
import { actionMatches, conditionValues, describeStatement, hasPublicPrincipal, statementsOf } from "../support/policy";
import { refersTo } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

/** What each environment must synthesize, written down independently of the code and config. */
const EXPECTED = {
  dev: { account: "111111111111", region: "eu-west-2", backupRegion: "eu-west-1" },
  prod: { account: "222222222222", region: "eu-west-2", backupRegion: "eu-west-1" },
} as const;

/** The plan: rule -> days kept (here and in the backup region), and the days of the week/month it runs. */
const RULES = {
  daily: { days: 35, dayOfMonth: ["*", "?"], dayOfWeek: ["*", "?"] },
  weekly: { days: 90, dayOfMonth: ["?"], dayOfWeek: ["SUN"] },
  monthly: { days: 365, dayOfMonth: ["1"], dayOfWeek: ["?"] },
} as const;

/** The aws_backup_* types the platform declares; a new one must be added here with its assertions. */
const BACKUP_TYPES = [
  "aws_backup_plan",
  "aws_backup_selection",
  "aws_backup_vault",
  "aws_backup_vault_lock_configuration",
  "aws_backup_vault_policy",
];

const DENIED_ON_VAULTS = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"];

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const addresses = (resources: readonly SynthResource[]) => resources.map((r) => r.address).sort();

/** Minutes after midnight UTC of an "HH:MM" time. */
const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/** Whether [start, start+length) overlaps the daily window "HH:MM-HH:MM" (which may wrap midnight). */
function overlapsDaily(start: number, length: number, window: string): boolean {
  const [from, to] = window.split("-").map(minutesOf);
  const end = to > from ? to : to + 24 * 60;
  return [0, 24 * 60, -24 * 60].some((shift) => start + shift < end && from < start + shift + length);
}

describe("every aws_backup_* resource", () => {
  it("is of a type this test knows, and lives in a data stack", () => {
    const all = Object.entries(app.stacks).flatMap(([stack, doc]) =>
      Object.keys(doc.resource ?? {})
        .filter((type) => type.startsWith("aws_backup_"))
        .flatMap((type) => app.resources(type, stack)),
    );
    expect(all.length).toBeGreaterThan(0);
    expect([...new Set(all.map((r) => r.type))].filter((t) => !BACKUP_TYPES.includes(t))).toEqual([]);
    expect(all.filter((r) => !r.stack.endsWith("-data")).map((r) => `${r.stack} ${r.address}`)).toEqual([]);
  });
});

describe.each(Object.keys(EXPECTED) as (keyof typeof EXPECTED)[])("%s-data AWS Backup", (envName) => {
  const expected = EXPECTED[envName];
  const stack = `${envName}-data`;
  const security = `${envName}-security`;
  const of = (type: string) => app.resources(type, stack);
  const vaults = () => of("aws_backup_vault");
  const primaryVault = () => vaults().find((v) => v.values.provider === undefined)!;
  const copyVault = () => vaults().find((v) => v.values.provider !== undefined)!;
  const plans = () => of("aws_backup_plan");
  const selections = () => of("aws_backup_selection");
  const roles = () => app.resources("aws_iam_role", stack).filter((r) => r.path.startsWith(`${stack}/backup/`));
  const role = () => roles()[0];
  const rolePolicy = () => {
    const policies = app.resources("aws_iam_role_policy", stack).filter((p) => refersTo(app, stack, p.values.role, role(), "name"));
    expect(policies).toHaveLength(1);
    return statementsOf(policies[0].values.policy);
  };
  const key = (path: string) => {
    const found = app.resources("aws_kms_key", security).find((k) => k.path === `${security}/${path}`);
    expect(found).toBeDefined();
    return found!;
  };
  const resolvesTo = (value: unknown, target: SynthResource, attribute = "arn") => refersTo(app, stack, value, target, attribute);
  /** The region a resource of the data stack lives in, from its provider's configuration. */
  const regionOf = (resource: SynthResource) => {
    const providers: any[] = app.stacks[stack].provider.aws;
    const alias = resource.values.provider?.replace(/^aws\./, "");
    const config = providers.find((p) => (alias === undefined ? p.alias === undefined : p.alias === alias));
    expect(config).toBeDefined();
    return resource.values.region ?? config.region;
  };

  describe("vaults", () => {
    it("are two: one in the primary region, one (the copy vault) in the backup region", () => {
      expect(vaults()).toHaveLength(2);
      expect(vaults().map(regionOf).sort()).toEqual([expected.region, expected.backupRegion].sort());
      expect(regionOf(primaryVault())).toBe(expected.region);
      expect(regionOf(copyVault())).toBe(expected.backupRegion);
      expect(copyVault().values.provider).toBe("aws.backup_region");
    });

    it("are encrypted with the security stack's backup key of their own region", () => {
      expect(resolvesTo(primaryVault().values.kms_key_arn, key("keys/backup/key"))).toBe(true);
      expect(resolvesTo(copyVault().values.kms_key_arn, key("backup-region-keys/backup/key"))).toBe(true);
      const backupRegionKey = key("backup-region-keys/backup/key");
      expect(backupRegionKey.values.provider).toBe("aws.backup_region");
      expect(app.stacks[security].provider.aws.find((p: any) => p.alias === "backup_region").region).toBe(expected.backupRegion);
    });

    it("are never force-destroyed", () => {
      expect(addresses(vaults().filter((v) => v.values.force_destroy !== undefined && v.values.force_destroy !== false))).toEqual([]);
    });

    it("each have exactly one compliance-mode lock, on their own provider, that fits the plan's retentions", () => {
      const locks = of("aws_backup_vault_lock_configuration");
      expect(locks).toHaveLength(vaults().length);
      for (const vault of vaults()) {
        const own = locks.filter((l) => resolvesTo(l.values.backup_vault_name, vault, "name"));
        expect(own).toHaveLength(1);
        const lock = own[0].values;
        expect(lock.provider).toBe(vault.values.provider);
        // compliance mode: set, and at least AWS's minimum grace period
        expect(lock.changeable_for_days).toBeGreaterThanOrEqual(3);
        expect(lock.min_retention_days).toBe(RULES.daily.days);
        expect(lock.max_retention_days).toBe(RULES.monthly.days);
      }
    });

    it("each have an access policy that denies everyone deleting recovery points, changing lifecycles or the policy", () => {
      const policies = of("aws_backup_vault_policy");
      expect(policies).toHaveLength(vaults().length);
      for (const vault of vaults()) {
        const own = policies.filter((p) => resolvesTo(p.values.backup_vault_name, vault, "name"));
        expect(own).toHaveLength(1);
        expect(own[0].values.provider).toBe(vault.values.provider);
        const statements = statementsOf(own[0].values.policy);
        expect(statements.filter((s) => s.effect === "Allow").map(describeStatement)).toEqual([]);
        const denies = statements.filter(
          (s) => s.effect === "Deny" && hasPublicPrincipal(s) && Object.keys(s.conditions).length === 0 && s.resources.includes("*"),
        );
        for (const action of DENIED_ON_VAULTS) {
          expect(denies.some((s) => s.actions.some((a) => actionMatches(a, action)))).toBe(true);
        }
      }
    });
  });

  describe("plan", () => {
    it("is one plan with exactly the daily, weekly and monthly rules", () => {
      expect(plans()).toHaveLength(1);
      expect(plans()[0].values.rule.map((r: any) => r.rule_name).sort()).toEqual(Object.keys(RULES).sort());
    });

    it("every rule backs up into the primary vault and copies to the copy vault, both kept the expected days", () => {
      for (const plan of plans()) {
        for (const rule of plan.values.rule) {
          const days = RULES[rule.rule_name as keyof typeof RULES].days;
          expect(resolvesTo(rule.target_vault_name, primaryVault(), "name")).toBe(true);
          expect(rule.lifecycle).toEqual({ delete_after: days });
          expect(rule.copy_action).toHaveLength(1);
          expect(resolvesTo(rule.copy_action[0].destination_vault_arn, copyVault())).toBe(true);
          expect(rule.copy_action[0].lifecycle).toEqual({ delete_after: days });
          expect(rule.enable_continuous_backup ?? false).toBe(false);
        }
      }
      const daily = plans()[0].values.rule.find((r: any) => r.rule_name === "daily");
      expect(daily.lifecycle.delete_after).toBeGreaterThanOrEqual(35);
    });

    it("every rule runs on its days, in UTC, with start and completion windows", () => {
      for (const rule of plans()[0].values.rule) {
        const spec = RULES[rule.rule_name as keyof typeof RULES];
        const fields = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(rule.schedule);
        expect(fields).not.toBeNull();
        const [, , , dayOfMonth, month, dayOfWeek] = fields!;
        expect(spec.dayOfMonth as readonly string[]).toContain(dayOfMonth);
        expect(month).toBe("*");
        expect(spec.dayOfWeek as readonly string[]).toContain(dayOfWeek);
        expect(rule.schedule_expression_timezone).toBe("Etc/UTC");
        expect(rule.start_window).toBeGreaterThanOrEqual(60);
        expect(rule.completion_window).toBeGreaterThan(rule.start_window);
      }
    });

    it("starts outside the cluster's automated backup window and maintenance window", () => {
      const clusters = app.resources("aws_rds_cluster", stack);
      expect(clusters.length).toBeGreaterThan(0);
      for (const rule of plans()[0].values.rule) {
        const [, minute, hour] = /^cron\((\d+) (\d+) /.exec(rule.schedule)!;
        const start = Number(hour) * 60 + Number(minute);
        for (const cluster of clusters) {
          const backupWindow: string = cluster.values.preferred_backup_window;
          const maintenance: string = cluster.values.preferred_maintenance_window;
          expect(overlapsDaily(start, rule.start_window, backupWindow)).toBe(false);
          // e.g. sun:02:00-sun:03:00; checked as if it were daily (stricter)
          const [from, to] = maintenance.split("-").map((part) => part.split(":").slice(1).join(":"));
          expect(overlapsDaily(start, rule.start_window, `${from}-${to}`)).toBe(false);
        }
      }
    });
  });

  describe("selections", () => {
    it("every selection belongs to the plan and uses the backup role", () => {
      expect(selections()).toHaveLength(2);
      for (const selection of selections()) {
        expect(resolvesTo(selection.values.plan_id, plans()[0], "id")).toBe(true);
        expect(resolvesTo(selection.values.iam_role_arn, role())).toBe(true);
      }
    });

    it("every Aurora cluster of the stack is selected by its ARN", () => {
      const clusters = app.resources("aws_rds_cluster", stack);
      expect(clusters.length).toBeGreaterThan(0);
      for (const cluster of clusters) {
        const selecting = selections().filter((s) => (s.values.resources ?? []).some((r: string) => resolvesTo(r, cluster)));
        expect(selecting).toHaveLength(1);
        expect(selecting[0].values.not_resources).toBeUndefined();
      }
    });

    it("the app tier's volumes are selected by the exported tag, only volumes of this account and region", () => {
      const tagged = selections().filter((s) => s.values.condition !== undefined);
      expect(tagged).toHaveLength(1);
      const selection = tagged[0].values;
      expect(selection.resources).toEqual([`arn:aws:ec2:${expected.region}:${expected.account}:volume/*`]);
      expect(selection.selection_tag).toBeUndefined();
      expect(selection.condition).toEqual([
        { string_equals: [{ key: `aws:ResourceTag/backup-plan`, value: `medicare-${envName}-app-tier` }] },
      ]);
      // what the launch template of the app tier writes onto its volumes
      expect(appTierVolumeBackupTags(ENVIRONMENTS[envName])).toEqual({ [APP_TIER_BACKUP_TAG_KEY]: `medicare-${envName}-app-tier` });
      expect(APP_TIER_BACKUP_TAG_KEY).toBe("backup-plan");
    });
  });

  describe("backup role", () => {
    it("is one role assumable only by AWS Backup for this account", () => {
      expect(roles()).toHaveLength(1);
      const trust = statementsOf(role().values.assume_role_policy);
      expect(trust).toHaveLength(1);
      expect(trust[0].effect).toBe("Allow");
      expect(trust[0].principals).toEqual({ Service: ["backup.amazonaws.com"] });
      expect(trust[0].actions).toEqual(["sts:AssumeRole"]);
      expect(conditionValues(trust[0], "aws:SourceAccount", ["StringEquals"])).toEqual([expected.account]);
      expect(conditionValues(trust[0], "aws:SourceArn", ["ArnLike"])).toEqual([`arn:aws:backup:*:${expected.account}:*`]);
    });

    it("carries the security stack's permission boundary, which permits every action it is granted", () => {
      const boundary = app.resources("aws_iam_policy", security).find((p) => p.path === `${security}/workload-boundary/policy`);
      expect(boundary).toBeDefined();
      expect(refersTo(app, stack, role().values.permissions_boundary, boundary!, "arn")).toBe(true);
      const ceiling = statementsOf(boundary!.values.policy).filter((s) => s.effect === "Allow").flatMap((s) => s.actions);
      for (const action of rolePolicy().flatMap((s) => s.actions)) expect(ceiling).toContain(action);
    });

    it("only allows, names its resources except for actions that have no resource type, and uses no action wildcard", () => {
      const statements = rolePolicy();
      expect(statements.filter((s) => s.effect !== "Allow").map(describeStatement)).toEqual([]);
      for (const s of statements) {
        expect(s.actions.filter((a) => a.includes("*"))).toEqual([]);
        if (s.resources.includes("*")) {
          expect(s.resources).toEqual(["*"]);
          expect(s.actions.filter((a) => !UNSCOPED_ACTIONS.has(a))).toEqual([]);
        }
      }
    });

    it("stays within the account, the two regions, the cluster and AWS Backup's own snapshots", () => {
      const cluster = app.resources("aws_rds_cluster", stack)[0];
      const regions = [expected.region, expected.backupRegion];
      const literal = rolePolicy()
        .flatMap((s) => s.resources)
        .filter((r) => r !== "*" && !r.startsWith("${"));
      for (const arn of literal) {
        const [, , service, region, account] = arn.split(":");
        expect(regions).toContain(region);
        // EBS snapshot ARNs carry no account
        if (!(service === "ec2" && arn.includes(":snapshot/"))) expect(account).toBe(expected.account);
        if (service === "rds") expect(arn).toMatch(/:cluster-snapshot:/);
      }
      const rdsWrites = rolePolicy().filter((s) =>
        s.actions.some((a) => ["rds:CopyDBClusterSnapshot", "rds:DeleteDBClusterSnapshot", "rds:AddTagsToResource"].includes(a)),
      );
      for (const s of rdsWrites) {
        for (const r of s.resources) expect(r).toMatch(/:cluster-snapshot:awsbackup:\*$/);
      }
      const snapshotting = rolePolicy().find((s) => s.actions.includes("rds:CreateDBClusterSnapshot"))!;
      expect(snapshotting.resources.filter((r) => r.startsWith("${")).every((r) => resolvesTo(r, cluster))).toBe(true);
      expect(snapshotting.resources.some((r) => resolvesTo(r, cluster))).toBe(true);
    });

    it("uses exactly the data key and the two backup keys, and creates grants only for AWS resources", () => {
      const keyStatements = rolePolicy().filter((s) => s.actions.some((a) => a.startsWith("kms:")));
      expect(keyStatements.length).toBeGreaterThan(0);
      const expectedKeys = [key("keys/data/key"), key("keys/backup/key"), key("backup-region-keys/backup/key")];
      for (const s of keyStatements) {
        expect(s.resources).toHaveLength(expectedKeys.length);
        for (const k of expectedKeys) expect(s.resources.some((r) => resolvesTo(r, k))).toBe(true);
        if (s.actions.includes("kms:CreateGrant")) {
          expect(conditionValues(s, "kms:GrantIsForAWSResource", ["Bool"])).toEqual(["true"]);
        }
        if (s.actions.some((a) => a.startsWith("kms:ReEncrypt"))) {
          expect(conditionValues(s, "kms:ViaService").sort()).toEqual(
            [expected.region, expected.backupRegion].map((r) => `ec2.${r}.amazonaws.com`).sort(),
          );
        }
        expect(s.actions.filter((a) => ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"].includes(a))).toEqual([]);
      }
    });

    it("copies recovery points only into the copy vault", () => {
      const copyFrom = rolePolicy().find((s) => s.actions.includes("backup:CopyFromBackupVault"))!;
      const targets = conditionValues(copyFrom, "backup:CopyTargets", ["ForAllValues:ArnEquals"]);
      expect(targets).toHaveLength(1);
      expect(resolvesTo(targets[0], copyVault())).toBe(true);
      // Only this region's recovery points (AWS Backup's own, or the Aurora and EBS snapshots it made).
      expect(copyFrom.resources).toEqual([
        `arn:aws:backup:${expected.region}:${expected.account}:recovery-point:*`,
        `arn:aws:rds:${expected.region}:${expected.account}:cluster-snapshot:awsbackup:*`,
        `arn:aws:ec2:${expected.region}::snapshot/*`,
      ]);
      const copyInto = rolePolicy().filter((s) => s.actions.includes("backup:CopyIntoBackupVault"));
      expect(copyInto).toHaveLength(1);
      expect(copyInto[0].resources).toHaveLength(1);
      expect(resolvesTo(copyInto[0].resources[0], copyVault())).toBe(true);
    });
  });
});

describe("DataBackup refuses", () => {
  const env = ENVIRONMENTS.dev;
  const scratch = mkdtempSync(join(tmpdir(), "medicare-backup-test-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const build = (props: (security: SecurityStack) => Partial<DataBackupProps>) => {
    const app = new App({ outdir: scratch });
    const security = new SecurityStack(app, env);
    const stack = new MedicareStack(app, { env, component: "backup-test", dataClassification: "phi" });
    return () =>
      new DataBackup(stack, "backup", {
        auroraClusterArn: "arn:aws:rds:eu-west-2:111111111111:cluster:medicare-dev",
        resourceKeys: [security.keys.data],
        vaultKey: security.keys.backup,
        copyVaultKey: security.backupRegionKeys.backup,
        boundary: security.workloadBoundary,
        ...props(security),
      });
  };

  it("a vault key of another domain", () => {
    expect(build((s) => ({ vaultKey: s.keys.data }))).toThrow(/vaultKey must be a backup-domain key, not the data key/);
  });

  it("a copy vault key of the primary region", () => {
    expect(build((s) => ({ copyVaultKey: s.keys.backup }))).toThrow(/copyVaultKey lives in eu-west-2 but its vault is in eu-west-1/);
  });

  it("no keys for the protected resources", () => {
    expect(build(() => ({ resourceKeys: [] }))).toThrow(/resourceKeys must name the keys/);
  });

  it("nothing when the keys fit", () => {
    expect(build(() => ({}))).not.toThrow();
  });
});
