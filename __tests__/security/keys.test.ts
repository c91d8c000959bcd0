import { rmSync } from "fs";
import { ENVIRONMENTS } from "../../modules/config/environments";
import {
  Statement,
  conditionValues,
  describeStatement,
  grantsAnyOf,
  hasPublicPrincipal,
  statementsOf,
} from "../support/policy";
import { resolveRef } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

const DOMAINS = ["data", "logs", "backup", "messaging"];
/** Keys of the backup region: backup copies and replicas, and the access logs kept there. */
const BACKUP_REGION_DOMAINS = ["backup", "logs"];

/** KMS operations that use key material: whoever may call one of these can read or write data under the key. */
const KEY_USAGE = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
];

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const policyOf = (key: SynthResource): Statement[] => statementsOf(key.values.policy);
const allows = (key: SynthResource) => policyOf(key).filter((s) => s.effect === "Allow");
const isServicePrincipalOnly = (s: Statement) =>
  Object.keys(s.principals).length > 0 && Object.keys(s.principals).every((type) => type === "Service");

describe.each(Object.keys(ENVIRONMENTS))("%s-security keys", (envName) => {
  const env = ENVIRONMENTS[envName];
  const stack = `${envName}-security`;
  const keys = () => app.resources("aws_kms_key", stack);
  const aliases = () => app.resources("aws_kms_alias", stack);

  /** The key an alias points to. */
  const keyOfAlias = (alias: SynthResource) => {
    const ref = resolveRef(app, stack, alias.values.target_key_id);
    return keys().find((k) => k.name === ref?.name && ref?.stack === stack);
  };
  /** The primary region's logs key (the backup region has its own, under the same alias name). */
  const logsKey = () => {
    const alias = aliases().find((a) => a.values.name === `alias/medicare-${envName}-logs` && a.values.provider === undefined);
    expect(alias).toBeDefined();
    return keyOfAlias(alias!)!;
  };

  /** The region a key lives in: its provider's. */
  const regionOf = (key: SynthResource) => (key.values.provider === "aws.backup_region" ? env.backupRegion : env.region);

  it("has four keys in its region, one per data domain, and the backup and logs keys in the backup region", () => {
    const domainOf = (key: SynthResource) => key.path.split("/").slice(-2)[0];
    const inRegion = (region: string) => keys().filter((k) => regionOf(k) === region).map(domainOf).sort();
    expect(inRegion(env.region)).toEqual([...DOMAINS].sort());
    expect(inRegion(env.backupRegion)).toEqual([...BACKUP_REGION_DOMAINS].sort());
    expect(keys()).toHaveLength(DOMAINS.length + BACKUP_REGION_DOMAINS.length);
  });

  it("every key rotates, has a 30-day deletion window and an explicit policy", () => {
    for (const key of keys()) {
      expect({ key: key.address, rotation: key.values.enable_key_rotation, window: key.values.deletion_window_in_days }).toEqual({
        key: key.address,
        rotation: true,
        window: 30,
      });
      expect(typeof key.values.policy).toBe("string");
      expect(policyOf(key).length).toBeGreaterThan(0);
    }
  });

  describe("key policies", () => {
    it("no statement with a public principal lacks a Condition", () => {
      const open = keys().flatMap((key) =>
        policyOf(key)
          .filter((s) => s.effect === "Allow" && hasPublicPrincipal(s) && Object.keys(s.conditions).length === 0)
          .map((s) => `${key.address}: ${describeStatement(s)}`),
      );
      expect(open).toEqual([]);
    });

    it("every principal is this account or an AWS service", () => {
      for (const key of keys()) {
        for (const statement of policyOf(key)) {
          for (const [type, values] of Object.entries(statement.principals)) {
            if (type === "Service") for (const v of values) expect(v).toMatch(/^[a-z0-9.-]+\.amazonaws\.com$/);
            else for (const v of values) expect({ type, v }).toEqual({ type: "AWS", v: `arn:aws:iam::${env.accountId}:root` });
          }
        }
      }
    });

    it("key usage goes to the account only through named services (ViaService + CallerAccount), or to a conditioned service principal", () => {
      const unscoped = keys().flatMap((key) =>
        allows(key)
          .filter((s) => grantsAnyOf(s, KEY_USAGE))
          .filter((s) =>
            isServicePrincipalOnly(s)
              ? Object.keys(s.conditions).length === 0
              : !(
                  conditionValues(s, "kms:ViaService").length > 0 &&
                  conditionValues(s, "kms:ViaService").every((v) => v.endsWith(`.${regionOf(key)}.amazonaws.com`)) &&
                  conditionValues(s, "kms:CallerAccount").join() === env.accountId
                ),
          )
          .map((s) => `${key.address}: ${describeStatement(s)}`),
      );
      expect(unscoped).toEqual([]);
    });

    it("kms:CreateGrant (which hands out key usage) is allowed only for AWS resources of named services", () => {
      // A grant can give its grantee Decrypt, so an unconditioned CreateGrant (also through a
      // wildcard such as kms:Create*) is key usage by another route.
      const unscoped = keys().flatMap((key) =>
        allows(key)
          .filter((s) => grantsAnyOf(s, ["kms:CreateGrant"]))
          .filter(
            (s) =>
              !(
                conditionValues(s, "kms:GrantIsForAWSResource", ["Bool"]).join() === "true" &&
                conditionValues(s, "kms:ViaService").length > 0 &&
                conditionValues(s, "kms:CallerAccount").join() === env.accountId
              ),
          )
          .map((s) => `${key.address}: ${describeStatement(s)}`),
      );
      expect(unscoped).toEqual([]);
    });

    it(`the logs key lets CloudWatch Logs of ${env.region} use it only for this account's log groups`, () => {
      const key = logsKey();
      const forLogs = allows(key).filter((s) => (s.principals.Service ?? []).includes(`logs.${env.region}.amazonaws.com`));
      expect(forLogs).toHaveLength(1);
      const [statement] = forLogs;
      expect(grantsAnyOf(statement, ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"])).toBe(true);
      expect(conditionValues(statement, "kms:EncryptionContext:aws:logs:arn", ["ArnLike", "ArnEquals"])).toEqual([
        `arn:aws:logs:${env.region}:${env.accountId}:log-group:*`,
      ]);
      // ... and no other statement of any key of this region lets CloudWatch Logs in; the backup
      // region's logs key admits only that region's CloudWatch Logs.
      const logsAnywhere = keys().flatMap((k) =>
        allows(k)
          .filter((s) => (s.principals.Service ?? []).some((p) => p.startsWith("logs.")))
          .map((s) => `${regionOf(k)} ${k.address}: ${s.principals.Service}`),
      );
      const backupLogsKey = keys().find((k) => regionOf(k) === env.backupRegion && k.path.endsWith("/logs/key"))!;
      expect(logsAnywhere.sort()).toEqual(
        [
          `${env.region} ${key.address}: logs.${env.region}.amazonaws.com`,
          `${env.backupRegion} ${backupLogsKey.address}: logs.${env.backupRegion}.amazonaws.com`,
        ].sort(),
      );
    });
  });

  describe("aliases", () => {
    it("name each key alias/medicare-<env>-<domain> in its region, one alias per key", () => {
      const named = (region: string) =>
        aliases()
          .filter((a) => (a.values.provider === "aws.backup_region" ? env.backupRegion : env.region) === region)
          .map((a) => a.values.name)
          .sort();
      expect(named(env.region)).toEqual(DOMAINS.map((d) => `alias/medicare-${envName}-${d}`).sort());
      expect(named(env.backupRegion)).toEqual(BACKUP_REGION_DOMAINS.map((d) => `alias/medicare-${envName}-${d}`).sort());
      const targets = aliases().map((a) => keyOfAlias(a)?.address);
      expect(targets).not.toContain(undefined);
      expect(new Set(targets).size).toBe(keys().length);
    });

    it("each alias points at the key of its domain", () => {
      for (const alias of aliases()) {
        const domain = alias.values.name.replace(`alias/medicare-${envName}-`, "");
        const key = keyOfAlias(alias)!;
        expect(key.values.description).toContain(` ${domain} key`);
        expect(key.values.provider).toBe(alias.values.provider);
      }
    });
  });

  describe(`log groups of ${envName}-network`, () => {
    it("are all encrypted with this environment's logs key, through the security stack's output", () => {
      const groups = app.resources("aws_cloudwatch_log_group", `${envName}-network`);
      expect(groups.length).toBeGreaterThan(0);
      const key = logsKey();
      for (const group of groups) {
        // a cross-stack reference, not a literal ARN or a key of another environment
        expect(group.values.kms_key_id).toMatch(/^\$\{data\.terraform_remote_state\./);
        expect(resolveRef(app, group.stack, group.values.kms_key_id)).toEqual({
          stack,
          type: "aws_kms_key",
          name: key.name,
          attribute: "arn",
        });
      }
    });
  });
});
