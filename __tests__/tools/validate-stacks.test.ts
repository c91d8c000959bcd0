/**
 * The pure half of npm run validate: override files, stub remote state and the plan-to-config
 * conversion, and the self-test's planted faults, over the real synthesized stacks where the
 * shape matters. The tofu runs themselves are npm run validate and its --self-test (they need
 * the built OpenTofu and provider; CI's validate step builds them and runs both).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { synthesize } from "../support/synth";
import {
  OFFLINE_PROVIDER_SETTINGS, StackInputError, TerraformJson, dependencyOrder, discoverStackDirs, filterStacks,
  mergePlannedValue, offlineConfig, offlineOverride, placeholderFor, planToConfig, remoteStateProducers, stubState,
} from "../../scripts/platform/lib/validate-stacks";
import { cliConfigText, goPlatform, providerMirrorBinary } from "../../scripts/platform/lib/opentofu";
import { FAULT_CONFIG_FILE, PLANTED_FAULTS, ValidateDiagnostic, diagnosticsForFault, faultConfigText, plantFaults, resourceAtLine } from "../../scripts/platform/lib/planted-faults";

const app = synthesize();
const stackNames = Object.keys(app.stacks).sort();

describe("stack discovery and filters", () => {
  it("finds every folder with a cdk.tf.json and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-discover-"));
    for (const name of ["dev-a", "prod-a"]) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "cdk.tf.json"), "{}");
    }
    mkdirSync(join(dir, "not-a-stack"));
    expect(discoverStackDirs(dir)).toEqual(["dev-a", "prod-a"]);
    expect(discoverStackDirs(join(dir, "missing"))).toEqual([]);
  });

  it("filters by environment and by stack, and names what exists when a filter matches nothing", () => {
    expect(filterStacks(stackNames, ["prod"], [])).toEqual(stackNames.filter((n) => n.startsWith("prod-")));
    expect(filterStacks(stackNames, [], ["dev-edge"])).toEqual(["dev-edge"]);
    expect(() => filterStacks(stackNames, ["staging"], [])).toThrow(/--env staging: no synthesized stack of that environment; have dev, organization, prod/);
    expect(() => filterStacks(stackNames, [], ["dev-nope"])).toThrow(StackInputError);
  });

  it("orders stacks after the stacks whose state they read (deployment order)", () => {
    const order = dependencyOrder(stackNames.map((name) => ({ name, dir: "", config: app.stacks[name] }))).map((s) => s.name);
    for (const name of stackNames) {
      for (const producer of remoteStateProducers(app.stacks[name]).values()) {
        expect(order.indexOf(producer)).toBeLessThan(order.indexOf(name));
      }
    }
    expect(order.indexOf("dev-security")).toBeLessThan(order.indexOf("dev-network"));
  });

  it("refuses a cross-stack cycle", () => {
    const reads = (stack: string): TerraformJson => ({ data: { terraform_remote_state: { x: { backend: "local", config: { path: `../terraform.${stack}.tfstate` } } } } });
    expect(() => dependencyOrder([{ name: "a", dir: "", config: reads("b") }, { name: "b", dir: "", config: reads("a") }])).toThrow(/cycle: a -> b -> a/);
  });
});

describe("offline override", () => {
  it.each(stackNames)("%s: every aws provider block, aliases included, is offline; state and remote state stay local", (name) => {
    const config = app.stacks[name] as TerraformJson;
    const override = offlineOverride(config, "6.48.0-dev.x", (producer) => `/stubs/${producer}.tfstate`);
    const aliases = (p: any[]) => p.map((b) => b.alias ?? "(default)").sort();
    expect(aliases(override.provider!.aws as any[])).toEqual(aliases(config.provider!.aws as any[]));
    for (const block of override.provider!.aws as any[]) expect(block).toMatchObject(OFFLINE_PROVIDER_SETTINGS);
    expect(override.terraform!.backend).toEqual({ local: { path: "terraform.tfstate" } });
    expect(override.terraform!.required_providers!.aws.version).toBe("6.48.0-dev.x");
    const remote = Object.keys(config.data?.terraform_remote_state ?? {});
    expect(Object.keys((override.data?.terraform_remote_state as object) ?? {})).toEqual(remote);
    for (const [dataName, producer] of remoteStateProducers(config)) {
      expect(override.data!.terraform_remote_state[dataName]).toEqual({ config: { path: `/stubs/${producer}.tfstate` } });
    }
  });

  it("sends the provider's plan-time Step Functions call to the local definition checker when given one", () => {
    const config = app.stacks[stackNames[0]] as TerraformJson;
    for (const block of offlineOverride(config, "v", (p) => p, "http://127.0.0.1:45300").provider!.aws as any[]) expect(block.endpoints).toEqual([{ sfn: "http://127.0.0.1:45300" }]);
    for (const block of offlineOverride(config, "v", (p) => p).provider!.aws as any[]) expect(block.endpoints).toBeUndefined();
  });

  it("plans without what needs a real account: no provider assumes a role, no import block reads one", () => {
    const withAccountReads = Object.values(app.stacks).filter((c: any) => c.import || [c.provider?.aws ?? []].flat().some((b: any) => b.assume_role));
    expect(withAccountReads.length).toBeGreaterThan(0); // the organization's stacks
    for (const config of withAccountReads) {
      const offline = offlineConfig(config as TerraformJson) as any;
      expect(offline.import).toBeUndefined();
      for (const block of [offline.provider.aws].flat()) expect(block.assume_role).toBeUndefined();
      expect(Object.keys(offline.resource)).toEqual(Object.keys((config as any).resource));
    }
  });

  it("refuses a remote state that is not a local stack state", () => {
    const config: TerraformJson = { data: { terraform_remote_state: { x: { backend: "s3", config: { bucket: "b" } } } } };
    expect(() => remoteStateProducers(config)).toThrow(/backend "s3"/);
  });
});

describe("stub remote state", () => {
  const producers = [...new Set(stackNames.flatMap((n) => [...remoteStateProducers(app.stacks[n]).values()]))].sort();

  it("covers every output another stack reads, with values of the right format", () => {
    expect(producers).toEqual(expect.arrayContaining(["dev-network", "dev-security", "prod-network", "prod-security"]));
    for (const producer of producers) {
      const { state, outputs } = stubState(app.stacks[producer], "v1.12.6") as { state: any; outputs: any };
      expect(state.version).toBe(4);
      expect(Object.keys(state.outputs).sort()).toEqual(Object.keys(app.stacks[producer].output).sort());
      for (const [name, stub] of Object.entries<any>(outputs)) {
        const [, type, attribute] = /^\$\{([a-z0-9_]+)\.[^.]+\.([a-z0-9_]+)\}$/.exec(stub.reference) ?? ["", "local", "value"];
        const formats: Record<string, RegExp> = {
          "aws_kms_key.arn": /^arn:aws:kms:(eu-west-[12]|us-east-1):\d{12}:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
          "aws_iam_policy.arn": /^arn:aws:iam::\d{12}:policy\/medicare-/,
          "aws_subnet.id": /^subnet-[0-9a-f]{17}$/,
          "aws_vpc.id": /^vpc-[0-9a-f]{17}$/,
          "aws_security_group.id": /^sg-[0-9a-f]{17}$/,
          "aws_vpc_endpoint.id": /^vpce-[0-9a-f]{17}$/,
          "aws_s3_bucket.bucket": /^medicare-[a-z0-9-]+$/,
          "aws_s3_bucket.arn": /^arn:aws:s3:::medicare-[a-z0-9-]+$/,
          "aws_vpc_endpoint.prefix_list_id": /^pl-[0-9a-f]{8}$/,
          "aws_db_proxy.endpoint": /^medicare-[a-z0-9-]+\.proxy-[0-9a-f]{12}\.eu-west-2\.rds\.amazonaws\.com$/,
          "aws_secretsmanager_secret.arn": /^arn:aws:secretsmanager:eu-west-2:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
          "aws_rds_cluster.endpoint": /^medicare-[a-z0-9-]+\.cluster-[0-9a-f]{12}\.eu-west-2\.rds\.amazonaws\.com$/,
          "local.value": /^prx-[0-9a-f]{17}$/,
          "aws_route53_zone.zone_id": /^Z[0-9A-F]{20}$/,
          "aws_acm_certificate_validation.certificate_arn": /^arn:aws:acm:eu-west-2:\d{12}:certificate\/[0-9a-f-]{36}$/,
          "aws_cloudfront_distribution.id": /^E[0-9A-F]{13}$/,
          "aws_cloudfront_distribution.arn": /^arn:aws:cloudfront::\d{12}:distribution\/E[0-9A-F]{13}$/,
          "aws_sns_topic.arn": /^arn:aws:sns:eu-west-2:\d{12}:medicare-[a-z0-9-]+$/,
          "aws_cognito_user_pool.arn": /^arn:aws:cognito-idp:eu-west-2:\d{12}:userpool\/eu-west-2_[0-9a-f]{9}$/,
        };
        const format = formats[`${type}.${attribute}`];
        expect({ name, format: format ? "known" : `no format for ${type}.${attribute}` }).toEqual({ name, format: "known" });
        expect(stub.value).toMatch(format);
        expect(state.outputs[name].sensitive).toBe(app.stacks[producer].output[name].sensitive === true);
      }
    }
  });

  it("takes a literal from the producer's configuration, places the ARN in the resource's provider region, and is stable", () => {
    const producer: TerraformJson = {
      provider: { aws: [{ region: "eu-west-2", allowed_account_ids: ["123456789012"] }, { alias: "backup", region: "eu-west-1", allowed_account_ids: ["123456789012"] }] },
      resource: { aws_s3_bucket: { b: { bucket: "medicare-x-logs" } }, aws_kms_key: { k: { provider: "aws.backup" } } },
    };
    expect(placeholderFor(producer, "${aws_s3_bucket.b.bucket}")).toEqual({ value: "medicare-x-logs", from: "config", reference: "${aws_s3_bucket.b.bucket}" });
    const arn = placeholderFor(producer, "${aws_kms_key.k.arn}");
    expect(arn.value).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//);
    expect(placeholderFor(producer, "${aws_kms_key.k.arn}")).toEqual(arn);
  });

  it("stubs the campaign stack's inputs: prefix lists, proxy endpoints and resource ids, zone ids, certificates, distributions", () => {
    const producer: TerraformJson = {
      provider: { aws: [{ region: "eu-west-2", allowed_account_ids: ["123456789012"] }] },
      locals: { proxy_id: '${element(split(":", aws_db_proxy.p.arn), 6)}' },
      resource: { aws_vpc_endpoint: { s3: {} }, aws_db_proxy: { p: { name: "medicare-x-proxy" } }, aws_route53_zone: { z: {} }, aws_acm_certificate_validation: { c: {} }, aws_cloudfront_distribution: { d: {} } },
    } as TerraformJson;
    expect(placeholderFor(producer, "${aws_vpc_endpoint.s3.prefix_list_id}").value).toMatch(/^pl-[0-9a-f]{8}$/);
    expect(placeholderFor(producer, "${aws_db_proxy.p.endpoint}").value).toMatch(/^medicare-x-proxy\.proxy-[0-9a-f]{12}\.eu-west-2\.rds\.amazonaws\.com$/);
    expect(placeholderFor(producer, "${local.proxy_id}").value).toMatch(/^prx-[0-9a-f]{17}$/);
    expect(placeholderFor(producer, "${local.proxy_id}").value).toBe(placeholderFor(producer, "${aws_db_proxy.p.arn}").value.split(":")[6]);
    expect(placeholderFor(producer, "${aws_route53_zone.z.zone_id}").value).toMatch(/^Z[0-9A-F]{20}$/);
    expect(placeholderFor(producer, "${aws_acm_certificate_validation.c.certificate_arn}").value).toMatch(/^arn:aws:acm:eu-west-2:123456789012:certificate\/[0-9a-f-]{36}$/);
    expect(placeholderFor(producer, "${aws_cloudfront_distribution.d.id}").value).toMatch(/^E[0-9A-F]{13}$/);
    expect(() => placeholderFor({ locals: { x: "${upper(var.y)}" } } as TerraformJson, "${local.x}")).toThrow(/stubs only element\(split/);
  });

  it("refuses a value it has no format for rather than planning with nonsense", () => {
    const producer: TerraformJson = { resource: { aws_glue_job: { j: {} } } };
    expect(() => placeholderFor(producer, "${aws_glue_job.j.arn}")).toThrow(/no ARN format for aws_glue_job; add it to ARN_FORMATS/);
    expect(() => placeholderFor(producer, "${aws_glue_job.j.command}")).toThrow(/no placeholder format for attribute command/);
    expect(() => placeholderFor(producer, "${aws_glue_job.missing.arn}")).toThrow(/no such resource/);
  });
});

describe("plan to config", () => {
  it("keeps references and unknowns from the configuration, literals and defaults from the plan, and drops unset attributes", () => {
    const merged = mergePlannedValue(
      { name: "a", kms_key_id: null, enabled: true, description: null, rule: [{ days: 7, filter: [] }], tags: { a: "b" }, empty: [] },
      { kms_key_id: true, rule: [{}] },
      { name: "a", kms_key_id: "${aws_kms_key.k.arn}", rule: { days: 7 }, empty: [] },
    );
    expect(merged).toEqual({ name: "a", kms_key_id: "${aws_kms_key.k.arn}", enabled: true, rule: [{ days: 7 }], tags: { a: "b" }, empty: [] });
  });

  it("keeps a configured cross-stack reference even when the plan knows its (stub) value", () => {
    const ref = "${data.terraform_remote_state.x.outputs.key}";
    expect(mergePlannedValue({ kms_key_id: "arn:aws:kms:eu-west-2:1:key/x" }, {}, { kms_key_id: ref })).toEqual({ kms_key_id: ref });
  });

  it("rebuilds resource.<type>.<name> from every module with the construct-path metadata", () => {
    const config: TerraformJson = {
      provider: { aws: [{ region: "eu-west-2" }] },
      resource: { aws_s3_bucket: { b: { "//": { metadata: { path: "s/b" } }, bucket: "x" } }, aws_sqs_queue: { q: { name: "q" } } },
    };
    const converted = planToConfig(
      {
        planned_values: {
          root_module: {
            resources: [{ address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", values: { bucket: "x", force_destroy: false, arn: null } }],
            child_modules: [{ resources: [{ address: "module.m.aws_sqs_queue.q", mode: "managed", type: "aws_sqs_queue", name: "q", values: { name: "q" } }] }],
          },
        },
        resource_changes: [{ address: "aws_s3_bucket.b", change: { after_unknown: { arn: true } } }],
      },
      config,
    );
    expect(converted.resource).toEqual({
      aws_s3_bucket: { b: { "//": { metadata: { path: "s/b" } }, bucket: "x", force_destroy: false } },
      aws_sqs_queue: { q: { name: "q" } },
    });
    expect(converted.provider).toEqual(config.provider);
  });
});

describe("tool layout", () => {
  it("lays the provider out as an unpacked filesystem mirror", () => {
    expect(providerMirrorBinary("/m", "6.1.0", "linux_amd64")).toBe("/m/registry.opentofu.org/hashicorp/aws/6.1.0/linux_amd64/terraform-provider-aws_v6.1.0");
    expect(goPlatform("linux", "x64")).toBe("linux_amd64");
    expect(() => goPlatform("aix", "ppc64")).toThrow(/no Go platform for aix\/ppc64/);
  });

  it("writes an offline CLI config with no registry, and a mirror-first one with it", () => {
    expect(cliConfigText("/m", false)).toContain('filesystem_mirror {\n    path    = "/m"');
    expect(cliConfigText("/m", false)).not.toContain("direct");
    expect(cliConfigText("/m", true)).toContain("direct {}");
  });
});

describe("the self-test's planted provider errors", () => {
  const stacks = stackNames.map((name) => ({ name, config: app.stacks[name] as TerraformJson }));
  const sites = plantFaults(stacks);

  it("plants every fault into a real stack, one attribute changed, the synthesized stack itself untouched", () => {
    expect(sites.map((s) => s.fault.id)).toEqual(PLANTED_FAULTS.map((f) => f.id));
    for (const site of sites) {
      const original = app.stacks[site.stack] as TerraformJson;
      expect(original.resource![site.fault.type][site.resource][site.fault.attribute]).not.toEqual(site.fault.value);
      expect(site.config.resource![site.fault.type][site.resource][site.fault.attribute]).toEqual(site.fault.value);
      const restored = JSON.parse(JSON.stringify(site.config));
      const before = original.resource![site.fault.type][site.resource][site.fault.attribute];
      if (before === undefined) delete restored.resource[site.fault.type][site.resource][site.fault.attribute];
      else restored.resource[site.fault.type][site.resource][site.fault.attribute] = before;
      expect(restored).toEqual(original);
    }
  });

  it("fails clearly when no stack has a fault's type, rather than testing less", () => {
    expect(() => plantFaults([{ name: "dev-x", config: { resource: { aws_sqs_queue: { q: {} } } } }])).toThrow(/self-test fault enum: no synthesized stack has a aws_lambda_function/);
  });

  it("counts only an error about the planted resource that names the planted attribute", () => {
    const site = sites.find((s) => s.fault.id === "range")!;
    const address = `${site.fault.type}.${site.resource}`;
    const error = (d: Partial<ValidateDiagnostic>): ValidateDiagnostic => ({ severity: "error", summary: "", ...d });
    const hit = error({ address, summary: "expected message_retention_seconds to be in the range (60 - 1209600), got 30" });
    expect(diagnosticsForFault(site, [hit])).toEqual([hit]);
    // No address: the line the diagnostic points at is inside the planted block.
    const text = faultConfigText(site);
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const plantedLine = lineOf(`"${site.fault.attribute}": ${JSON.stringify(site.fault.value)}`);
    expect(resourceAtLine(text, plantedLine)).toBe(address);
    const byLine = error({ summary: "expected message_retention_seconds to be in the range (60 - 1209600), got 30", range: { filename: FAULT_CONFIG_FILE, start: { line: plantedLine } } });
    expect(diagnosticsForFault(site, [byLine])).toEqual([byLine]);
    const otherQueue = Object.keys(site.config.resource![site.fault.type]).sort()[1];
    const elsewhere = { ...byLine, range: { filename: FAULT_CONFIG_FILE, start: { line: lineOf(`"${otherQueue}": {`) + 1 } } };
    expect(resourceAtLine(text, elsewhere.range.start.line)).toBe(`${site.fault.type}.${otherQueue}`);
    expect(diagnosticsForFault(site, [elsewhere, { ...byLine, range: { filename: "other.tf.json", start: { line: plantedLine } } }])).toEqual([]);
    expect(diagnosticsForFault(site, [
      error({ address: `${site.fault.type}.another_queue`, summary: "expected message_retention_seconds to be in the range" }),
      error({ address, summary: "expected visibility_timeout_seconds to be in the range" }),
      error({ address, summary: "expected message_retention_seconds_extra to be set" }),
      { ...hit, severity: "warning" },
    ])).toEqual([]);
  });
});
