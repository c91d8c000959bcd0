import { spawnSync } from "child_process";
import { join } from "path";
import { postureDiff, renderPostureMarkdown } from "../../scripts/review/lib/posture-diff";
import { parseDiffArgs, resolveRef } from "../../scripts/review/policy-diff";
import { synthesize, SynthesizedApp } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
let app: SynthesizedApp;

beforeAll(() => {
  app = synthesize();
});

/** The first resource of `type` in the stack whose construct path ends with `suffix`. */
function body(doc: any, type: string, suffix: string): any {
  const found = Object.values<any>(doc.resource[type] ?? {}).find((b) => (b["//"]?.metadata?.path ?? "").endsWith(suffix));
  if (!found) throw new Error(`no ${type} ending ${suffix}`);
  return found;
}

/** The posture difference after `plant` edits a copy of one stack. */
function planted(stack: string, plant: (doc: any) => void) {
  const head = structuredClone(app.stacks[stack]);
  plant(head);
  return postureDiff({ [stack]: app.stacks[stack] }, { [stack]: head });
}

describe("posture diff of planted changes", () => {
  it("reports nothing for identical stacks", () => {
    expect(postureDiff(app.stacks, app.stacks)).toEqual([]);
    expect(renderPostureMarkdown([], { base: "main", head: "working tree" })).toMatch(/No security-relevant change/);
  });

  it("reports a widened IAM statement and a trust change", () => {
    const changes = planted("dev-security", (doc) => {
      const role = Object.values<any>(doc.resource.aws_iam_role).find((r) => r["//"].metadata.path.endsWith("audit-trail/cloudwatch-logs-role/role"));
      const trust = JSON.parse(role.assume_role_policy);
      trust.Statement[0].Principal = { AWS: "arn:aws:iam::999999999999:root" };
      role.assume_role_policy = JSON.stringify(trust);
      const policy = Object.values<any>(doc.resource.aws_iam_role_policy)[0];
      const p = JSON.parse(policy.policy);
      p.Statement[0].Action = [...[].concat(p.Statement[0].Action), "s3:DeleteObject"];
      policy.policy = JSON.stringify(p);
    });
    const principals = changes.filter((c) => c.category === "principals");
    expect(principals.map((c) => [c.kind, c.detail])).toEqual(expect.arrayContaining([
      ["widened", expect.stringMatching(/^assume_role_policy statement .*Principal \+AWS:arn:aws:iam::999999999999:root/)],
      ["widened", expect.stringMatching(/^policy statement .*Action \+s3:DeleteObject/)],
    ]));
  });

  it("reports people's access changing in Identity Center: a longer session, a persona's set given to another group", () => {
    const changes = planted("organization", (doc) => {
      const sets = Object.entries<any>(doc.resource.aws_ssoadmin_permission_set);
      const [itSupport] = sets.find(([, s]) => s.tags.persona === "it-support")!;
      doc.resource.aws_ssoadmin_permission_set[itSupport].session_duration = "PT8H";
      const assignment = Object.values<any>(doc.resource.aws_ssoadmin_account_assignment).find((a) => a.permission_set_arn.includes(itSupport));
      assignment.principal_id = "${aws_identitystore_group.somebody_else.group_id}";
    });
    const details = changes.filter((c) => c.category === "principals").map((c) => `${c.kind} ${c.type} ${c.detail}`);
    expect(details).toEqual(expect.arrayContaining([
      expect.stringMatching(/aws_ssoadmin_permission_set session_duration: PT1H -> PT8H/),
      expect.stringMatching(/aws_ssoadmin_account_assignment principal_id: .* -> \$\{aws_identitystore_group.somebody_else.group_id\}/),
    ]));
  });

  it("reports a new statement, an attached managed policy and a foreign invoke permission", () => {
    const changes = planted("dev-campaign", (doc) => {
      const policy = Object.values<any>(doc.resource.aws_iam_role_policy)[0];
      const p = JSON.parse(policy.policy);
      p.Statement.push({ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" });
      policy.policy = JSON.stringify(p);
      doc.resource.aws_iam_role_policy_attachment = { admin: { "//": { metadata: { path: "dev-campaign/admin" } }, role: "x", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } };
      const permission = Object.values<any>(doc.resource.aws_lambda_permission)[0];
      permission.principal = "999999999999";
    });
    const details = changes.filter((c) => c.category === "principals").map((c) => `${c.kind} ${c.detail}`);
    expect(details).toEqual(expect.arrayContaining([
      expect.stringMatching(/^widened policy statement Sid Everything added: Allow; Action \*; Resource \*/),
      expect.stringMatching(/^added aws_iam_role_policy_attachment added: .*AdministratorAccess/),
      expect.stringMatching(/^changed principal: .* -> 999999999999/),
    ]));
  });

  it("reports an opened NACL rule and an added route", () => {
    const changes = planted("dev-network", (doc) => {
      const rule = Object.values<any>(doc.resource.aws_network_acl_rule).find((r) => r.rule_action === "allow" && !r.egress);
      rule.cidr_block = "0.0.0.0/0";
      doc.resource.aws_route.peering = { "//": { metadata: { path: "dev-network/peering-route" } }, route_table_id: "rt", destination_cidr_block: "172.16.0.0/12", vpc_peering_connection_id: "pcx-1" };
    });
    const network = changes.filter((c) => c.category === "network");
    expect(network.map((c) => c.detail)).toEqual(expect.arrayContaining([expect.stringMatching(/^cidr_block: .* -> 0\.0\.0\.0\/0$/), expect.stringMatching(/^aws_route added: .*172\.16\.0\.0\/12/)]));
  });

  it("reports encryption, retention and detection changes", () => {
    const changes = planted("dev-security", (doc) => {
      body(doc, "aws_cloudwatch_log_group", "audit-trail/log-group/group").retention_in_days = 30;
      body(doc, "aws_cloudwatch_log_group", "audit-trail/log-group/group").log_group_class = "INFREQUENT_ACCESS";
      delete body(doc, "aws_sns_topic", "security-alarms/topic").kms_master_key_id;
      body(doc, "aws_cloudwatch_metric_alarm", "root-account-use-alarm").actions_enabled = false;
      body(doc, "aws_cloudwatch_metric_alarm", "root-account-use-alarm").threshold = 10;
      const sub = Object.keys(doc.resource.aws_sns_topic_subscription)[0];
      delete doc.resource.aws_sns_topic_subscription[sub];
    });
    const by = (category: string) => changes.filter((c) => c.category === category).map((c) => c.detail);
    expect(by("retention")).toContain("retention_in_days: 2192 -> 30".replace("2192", String(body(app.stacks["dev-security"], "aws_cloudwatch_log_group", "audit-trail/log-group/group").retention_in_days)));
    expect(by("encryption")).toEqual([expect.stringMatching(/^kms_master_key_id: .* -> \(absent\)$/)]);
    expect(by("detection")).toEqual(expect.arrayContaining(["actions_enabled: (absent) -> false", "threshold: 1 -> 10", expect.stringMatching(/^aws_sns_topic_subscription removed: .*endpoint=/), "log_group_class: (absent) -> INFREQUENT_ACCESS"]));
    const markdown = renderPostureMarkdown(changes, { base: "main", head: "working tree" });
    expect(markdown).toMatch(/### Retention and lifetime \(\d+\)/);
    expect(markdown).toMatch(/### Logging and detection \(\d+\)/);
    expect(markdown).toMatch(/\| stack \| resource \| change \| detail \|/);
  });

  it("ignores changes with no security meaning (tags, descriptions)", () => {
    expect(planted("dev-network", (doc) => {
      for (const b of Object.values<any>(doc.resource.aws_subnet)) b.tags = { ...b.tags, team: "x" };
    })).toEqual([]);
  });

  it("escapes table cells", () => {
    const md = renderPostureMarkdown([{ category: "network", stack: "dev-x", resource: "a|b", type: "aws_route", kind: "added", detail: "<script>|" }], { base: "main", head: "wt" });
    expect(md).toContain("a\\|b");
    expect(md).toContain("&lt;script&gt;\\|");
  });
});

describe("npm run policy:diff (CLI)", () => {
  const diff = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "review", "policy-diff.ts"), ...args], { cwd: ROOT, encoding: "utf8" });

  it.each([
    [[], /--base is required/],
    [["--base"], /--base needs a value/],
    [["--base", "main", "--frobnicate"], /unknown option --frobnicate/],
  ])("rejects %j with a clear message", (args, message) => {
    expect(() => parseDiffArgs(args)).toThrow(message);
  });

  it("names a bad ref", () => {
    expect(() => resolveRef("no-such-branch-xyz")).toThrow(/"no-such-branch-xyz" names no commit in this repository/);
    const run = diff("--base", "no-such-branch-xyz");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/names no commit/);
  });

  it("synthesizes a ref in a temporary worktree and prints the comment", () => {
    const run = diff("--base", "HEAD");
    expect(run.stderr).not.toMatch(/policy:diff:/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^## Security posture: HEAD \([0-9a-f]{12}\) -> working tree\n/);
    // The worktree it synthesized HEAD in, if it did (not when HEAD's synth was kept), is gone.
    const tree = run.stderr.match(/in a temporary worktree \((.+)\)/)?.[1];
    if (tree) expect(spawnSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" }).stdout).not.toContain(tree);
  }, 300_000);
});
