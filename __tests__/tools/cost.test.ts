/**
 * npm run cost over the real synthesized stacks of both environments: every resource type has a
 * price or a reason it is free, every price exists in the region the resource runs in, what
 * multiplies is counted from the stacks (AZs of an endpoint, NAT gateways, instances, desired
 * capacity), the same input gives the same numbers, a planted NAT gateway shows in the
 * difference with its price (also through --base and a real git worktree), and bad flags and
 * bad price files say what to change.
 */
import { spawnSync } from "child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { messagePrices, PRICING_DIR, PricingError, regionPrices, resourceCatalogue, unitPrice, usageAssumptions } from "../../modules/core/pricing";
import { ROOT } from "../../scripts/paths";
import { CLIENT_FIGURES, HARDENING_ITEMS } from "../../scripts/platform/lib/cost/client-figures";
import { diffEstimates } from "../../scripts/platform/lib/cost/diff";
import { CostLine, Estimate, environmentOf, estimateStacks } from "../../scripts/platform/lib/cost/estimate";
import { invocationsPerMonth, METERS } from "../../scripts/platform/lib/cost/meters";
import { renderDiffMarkdown, renderMarkdown, renderText } from "../../scripts/platform/lib/cost/render";
import { parseCostOptions, runCost } from "../../scripts/platform/cost";
import { renderCostSection } from "../../scripts/review/lib/cost-section";
import { renderHtml } from "../../scripts/review/lib/html-report";
import { allResources, synthesize, SynthesizedApp } from "../support/synth";

let app: SynthesizedApp;
let estimate: Estimate;
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const linesOf = (e: Estimate, environment: string): CostLine[] => e.environments.find((x) => x.environment === environment)!.stacks.flatMap((s) => s.lines);
const HOURS = usageAssumptions().hoursPerMonth;

beforeAll(() => {
  app = synthesize();
  estimate = estimateStacks(app.stacks);
});

describe("every resource is priced or free for a stated reason", () => {
  test("every type in the synthesized stacks is in the catalogue, and every meter it names exists", () => {
    const catalogue = resourceCatalogue();
    const types = new Set(Object.entries(app.stacks).flatMap(([stack, doc]) => allResources(stack, doc).map((r) => r.type)));
    expect(types.size).toBeGreaterThan(100);
    expect([...types].filter((t) => !catalogue.types[t])).toEqual([]);
    for (const [type, entry] of Object.entries(catalogue.types)) {
      if ("meter" in entry) expect({ type, meter: entry.meter, defined: entry.meter in METERS }).toEqual({ type, meter: entry.meter, defined: true });
      else expect(entry.free.length).toBeGreaterThan(10);
    }
  });

  test("every resource is accounted for: priced lines or a free group, in every environment and the organization", () => {
    for (const env of estimate.environments) {
      const resources = Object.entries(app.stacks).filter(([s]) => environmentOf(s) === env.environment).flatMap(([s, doc]) => allResources(s, doc));
      const priced = new Set(env.stacks.flatMap((s) => s.lines.map((l) => l.address)));
      const free = env.stacks.reduce((n, s) => n + s.free.reduce((m, f) => m + f.count, 0), 0);
      const pricedTypes = new Set(resources.filter((r) => "meter" in resourceCatalogue().types[r.type]).map((r) => `${r.stack}/${r.type}.${r.name}`));
      // A metered resource may price at nothing (a gateway endpoint); every other metered one has lines.
      expect(priced.size).toBeLessThanOrEqual(pricedTypes.size);
      expect(pricedTypes.size + free).toBe(resources.length);
      expect(env.monthlyUsd).toBeGreaterThan(0);
    }
  });

  test("every charge cites the AWS pricing page of its region's price file", () => {
    for (const line of estimate.environments.flatMap((e) => e.stacks.flatMap((s) => s.lines))) {
      expect(line.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(unitPrice(line.region, line.price, line.type).usd).toBe(line.unitUsd);
    }
    for (const region of ["eu-west-2", "eu-west-1", "us-east-1"]) expect(regionPrices(region).reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test("a type nobody priced stops the estimate: no price for TYPE: add it to the price file", () => {
    const stacks = copy(app.stacks);
    stacks["dev-network"].resource.aws_shiny_new_thing = { planted: { name: "x" } };
    expect(() => estimateStacks(stacks)).toThrow(/^no price for aws_shiny_new_thing: add it to the price file .*pricing\/resource-types\.json/);
  });

  test("a metered type without a price in the region it runs in names the region's file", () => {
    const dir = mkdtempSync(join(tmpdir(), "medicare-pricing-"));
    cpSync(PRICING_DIR, dir, { recursive: true });
    const file = join(dir, "eu-west-1.json");
    const prices = JSON.parse(readFileSync(file, "utf8"));
    delete prices.prices["backup-warm-gb-month"];
    writeFileSync(file, JSON.stringify(prices));
    expect(() => estimateStacks(app.stacks, dir)).toThrow(/no price for aws_backup_vault \(dev-data\/aws_backup_vault\.backup_copy-vault_[0-9A-F]+\) in eu-west-1 \("backup-warm-gb-month"\): add it to the price file .*eu-west-1\.json/);
  });

  test("a price line without its source page, or a free entry without its reason, is refused on load", () => {
    const dir = mkdtempSync(join(tmpdir(), "medicare-pricing-"));
    cpSync(PRICING_DIR, dir, { recursive: true });
    const prices = JSON.parse(readFileSync(join(dir, "eu-west-2.json"), "utf8"));
    prices.prices["nat-gateway-hour"].source = "trust me";
    writeFileSync(join(dir, "eu-west-2.json"), JSON.stringify(prices));
    expect(() => regionPrices("eu-west-2", dir)).toThrow(new PricingError(`${join(dir, "eu-west-2.json")}: prices.nat-gateway-hour: source must be the https URL of the AWS pricing page`));
    const catalogue = JSON.parse(readFileSync(join(dir, "resource-types.json"), "utf8"));
    catalogue.types.aws_iam_role = { free: " " };
    writeFileSync(join(dir, "resource-types.json"), JSON.stringify(catalogue));
    expect(() => resourceCatalogue(dir)).toThrow(/types\.aws_iam_role needs exactly one of "meter" \(how it is priced\) or "free" \(why it costs nothing\)/);
  });
});

describe("what multiplies is counted from the stacks", () => {
  test("interface endpoints are priced per AZ (their subnets); gateway endpoints cost nothing", () => {
    for (const env of ["dev", "prod"]) {
      const endpoints = app.resources("aws_vpc_endpoint", `${env}-network`);
      const interfaces = endpoints.filter((e) => e.values.vpc_endpoint_type === "Interface");
      expect(interfaces.length).toBeGreaterThan(5);
      for (const endpoint of endpoints) {
        const hours = linesOf(estimate, env).filter((l) => l.address === `${env}-network/${endpoint.address}` && l.price === "interface-endpoint-az-hour");
        expect(hours.map((l) => l.quantity)).toEqual(endpoint.values.vpc_endpoint_type === "Interface" ? [endpoint.values.subnet_ids.length * HOURS] : []);
      }
    }
  });

  test("NAT gateways: one in dev, one per AZ in prod, each with its own hours", () => {
    const nat = (env: string) => linesOf(estimate, env).filter((l) => l.price === "nat-gateway-hour");
    expect(nat("dev")).toHaveLength(app.resources("aws_nat_gateway", "dev-network").length);
    expect(nat("prod")).toHaveLength(3);
    expect(nat("prod").reduce((n, l) => n + l.monthlyUsd, 0)).toBeCloseTo(3 * HOURS * unitPrice("eu-west-2", "nat-gateway-hour", "").usd, 6);
  });

  test("Aurora per instance, RDS Proxy per vCPU of those instances, the fleet by desired capacity", () => {
    const prod = linesOf(estimate, "prod");
    expect(prod.filter((l) => l.price.startsWith("aurora-instance-hour:"))).toHaveLength(app.resources("aws_rds_cluster_instance", "prod-data").length);
    expect(prod.find((l) => l.price === "rds-proxy-vcpu-hour")!.quantity).toBe(4 * HOURS);
    expect(linesOf(estimate, "dev").find((l) => l.price === "rds-proxy-vcpu-hour")!.quantity).toBe(2 * HOURS);

    const stacks = copy(app.stacks);
    const group = Object.values<any>(stacks["prod-edge"].resource.aws_autoscaling_group)[0];
    const before = prod.find((l) => l.price.startsWith("ec2-hour:"))!;
    group.desired_capacity = group.desired_capacity * 3;
    const after = linesOf(estimateStacks(stacks), "prod").find((l) => l.price.startsWith("ec2-hour:"))!;
    expect(after.monthlyUsd).toBeCloseTo(before.monthlyUsd * 3, 6);
  });

  test("WAF: each rule and managed group of each web ACL; DMS twice when multi-AZ", () => {
    for (const acl of app.resources("aws_wafv2_web_acl")) {
      const rules = linesOf(estimate, acl.stack.split("-")[0]).find((l) => l.address === `${acl.stack}/${acl.address}` && l.price === "waf-rule-month")!;
      expect(rules.quantity).toBe(acl.values.rule.length);
    }
    const dms = (env: string) => linesOf(estimate, env).find((l) => l.price.startsWith("dms-instance-hour:"))!;
    expect(dms("prod").quantity).toBe(2 * HOURS);
    expect(dms("dev").quantity).toBe(HOURS);
  });

  test("schedules: weekly and daily cron expressions", () => {
    expect(invocationsPerMonth("cron(0 10 ? * MON *)")).toBeCloseTo(4.35);
    expect(invocationsPerMonth("cron(30 1 * * ? *)")).toBeCloseTo(30.4);
    expect(invocationsPerMonth("rate(1 hour)")).toBeCloseTo(729.6);
    expect(() => invocationsPerMonth("every monday")).toThrow(/neither rate\(\.\.\.\) nor cron/);
  });
});

describe("reproducible", () => {
  test("same stacks, same numbers and the same report, whatever order the JSON lists resources in", () => {
    const reversed = Object.fromEntries(
      Object.entries(copy(app.stacks)).reverse().map(([stack, doc]: [string, any]) => [
        stack,
        { ...doc, resource: Object.fromEntries(Object.entries<any>(doc.resource).reverse().map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).reverse())])) },
      ]),
    );
    const again = estimateStacks(reversed);
    expect(again).toEqual(estimate);
    expect(renderText(again)).toBe(renderText(estimate));
    expect(renderMarkdown(again)).toBe(renderMarkdown(estimate));
  });
});

describe("the difference a change makes", () => {
  const plantNat = (stacks: Record<string, any>) => {
    const network = stacks["prod-network"].resource;
    const [name, first] = Object.entries<any>(network.aws_nat_gateway)[0];
    network.aws_nat_gateway.planted = { ...first, tags: { ...first.tags, Name: "planted" } };
    return name;
  };

  test("a planted NAT gateway shows with its hourly price and its traffic, and nothing else moves", () => {
    const stacks = copy(app.stacks);
    plantNat(stacks);
    const diff = diffEstimates("main", estimate, estimateStacks(stacks));
    const prod = diff.environments.find((e) => e.environment === "prod")!;
    const hourly = HOURS * unitPrice("eu-west-2", "nat-gateway-hour", "").usd;
    const traffic = usageAssumptions().environments.prod["nat.gbPerGateway"].value! * unitPrice("eu-west-2", "nat-gateway-gb", "").usd;
    expect(prod.rows.map((r) => [r.address, r.price, r.beforeUsd, Number(r.changeUsd.toFixed(6))])).toEqual([
      ["prod-network/aws_nat_gateway.planted", "nat-gateway-hour", 0, hourly],
      ["prod-network/aws_nat_gateway.planted", "nat-gateway-gb", 0, traffic],
    ]);
    expect(prod.changeUsd).toBeCloseTo(hourly + traffic, 6);
    expect(diff.environments.find((e) => e.environment === "dev")!.rows).toEqual([]);
    const markdown = renderDiffMarkdown(diff);
    expect(markdown).toContain("| prod | ");
    expect(markdown).toContain(`| \`prod-network/aws_nat_gateway.planted\` | nat-gateway-hour | ${HOURS} h | 0.05 | 0.00 | 36.50 | +36.50 |`);
  });

  test("--base: the base synthesized in a temporary git worktree, the change read from --stacks", () => {
    // A copy of the run's shared synth (every environment; --env dev picks dev on both sides).
    const dev = synthesize();
    const doc = JSON.parse(readFileSync(dev.file("dev-network"), "utf8"));
    const [, first] = Object.entries<any>(doc.resource.aws_nat_gateway)[0];
    doc.resource.aws_nat_gateway.planted = first;
    writeFileSync(dev.file("dev-network"), JSON.stringify(doc));
    const log: string[] = [];
    const markdown = runCost(parseCostOptions(["--base", "HEAD", "--env", "dev", "--output", "markdown", "--stacks", dev.outdir]), (line) => log.push(line));
    expect(markdown).toContain("## Monthly cost change against `HEAD`");
    expect(markdown).toContain("| `dev-network/aws_nat_gateway.planted` | nat-gateway-hour |");
    // The worktree it synthesized HEAD in, if it did (not when HEAD's synth was kept), is gone.
    const tree = log.join("\n").match(/in a temporary worktree \((.+)\)/)?.[1];
    if (tree) expect(spawnSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" }).stdout).not.toContain(tree);
  });
});

describe("the command line", () => {
  test.each([
    [["--output", "xml"], /--output must be one of text, markdown, json, got "xml"/],
    [["--env"], /--env needs a value/],
    [["--env", "Prod!"], /--env takes environment names separated by commas/],
    [["--base"], /--base needs a value/],
    [["--stacks", "/nonexistent"], /--stacks \/nonexistent has no stacks\/ folder/],
    [["--verbose"], /unknown option "--verbose"/],
  ])("%j is refused with what to change", (argv, says) => {
    expect(() => parseCostOptions(argv)).toThrow(says);
    expect(() => parseCostOptions(argv)).toThrow(/usage: npm run cost/);
  });

  test("an environment that was not synthesized, and a base that is not a commit", () => {
    expect(() => runCost(parseCostOptions(["--env", "staging", "--stacks", app.outdir]), () => undefined)).toThrow(/--env staging: no such environment in .* \(found dev, organization, prod\)/);
    expect(() => runCost(parseCostOptions(["--base", "no-such-ref-xyz", "--stacks", app.outdir]), () => undefined)).toThrow(/--base no-such-ref-xyz is not a commit, branch or tag/);
  });

  test("the script exits 2 with the message on stderr", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts/platform/cost.ts"), "--output", "yaml"], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^cost: --output must be one of text, markdown, json, got "yaml"/);
    expect(result.stdout).toBe("");
  });
});

describe("against the client's figures", () => {
  test("the section sets the estimate beside GBP 20-30 a month, GBP 3,100 per SMS send and GBP 2 per e-mail send", () => {
    const text = renderText(estimate);
    expect(text).toContain("== Against the client's figures");
    expect(text).toMatch(/base system, a month +GBP 20-30 +GBP [\d,]+\.\d\d \(prod\)/);
    expect(text).toMatch(/SMS to 112,500 patients, once +GBP 3,100\.00 +GBP [\d,]+\.\d\d/);
    expect(text).toMatch(/e-mail to 112,500 patients, once +GBP 2\.00/);
    const source = join(ROOT, "..", "..", "shared", "sources");
    const doc = ["000_d032ff2ec9823d16.txt"].map((f) => [join(ROOT, "..", "shared", "sources", f), join(source, f)].find(existsSync)).find(Boolean);
    if (doc) {
      const words = readFileSync(doc, "utf8");
      expect(words).toContain(`£${CLIENT_FIGURES.monthlyGbp.low}-£${CLIENT_FIGURES.monthlyGbp.high}/month`);
      expect(words).toContain("£3100");
      expect(words).toContain(`£${CLIENT_FIGURES.databaseGbp}`);
    }
  });

  test("every control an item cites is a row of CONTROLS.md", () => {
    const controls = [join(ROOT, "..", "shared", "design", "CONTROLS.md"), join(ROOT, "..", "..", "shared", "design", "CONTROLS.md")].find(existsSync);
    if (!controls) return; // the design folder sits beside the repository; CI clones only the repository
    const rows = new Set(readFileSync(controls, "utf8").split("\n").filter((l) => l.startsWith("| ")).map((l) => l.split(" | ").slice(0, 2).join(" | ").replace(/^\| /, "")));
    for (const item of HARDENING_ITEMS) for (const control of item.controls) expect({ item: item.item, control, inControls: rows.has(control) }).toEqual({ item: item.item, control, inControls: true });
  });
});

describe("the reviewer page's cost section", () => {
  test("totals per environment and stack, the largest charges, the campaign run and the hardening table", () => {
    const html = renderCostSection(app.stacks);
    const prod = estimate.environments.find((e) => e.environment === "prod")!;
    expect(html).toMatch(/^<section id="cost">/);
    expect(html).toContain(`Environment prod: USD ${prod.monthlyUsd.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} a month`);
    expect(html).toContain("<code class=\"nw\">prod-network</code>");
    expect(html).toContain("One full campaign run: 112,500 SMS");
    expect(html).toContain("<h3>Against the client's figures</h3>");
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/);
  });

  test("an estimate that cannot be made is a visible failure, escaped, and the page is still built", () => {
    const stacks = copy(app.stacks);
    stacks["dev-edge"].resource["aws_<b>odd</b>"] = { x: {} };
    expect(renderCostSection(stacks)).toContain("The estimate could not be made: no price for aws_&lt;b&gt;odd&lt;/b&gt;: add it to the price file");
    const page = renderHtml({ report: { files: [], rules: [], findings: [], excepted: [], exceptionProblems: [], warnings: [], passed: true } as any, exceptions: [], stacks: app.stacks, accessMatrix: { personas: [] }, functions: [], now: new Date("2026-12-03T00:00:00Z") });
    expect(page).toContain('<a href="#cost">Cost</a>');
    expect(page).toContain('<section id="cost">');
  });
});

describe("the campaign functions get the reviewed prices and the staff's budget", () => {
  test.each(["dev", "prod"])("%s: planner and reminder with prices and budget, report with prices; no other function", (env) => {
    const prices = messagePrices(ENVIRONMENTS[env].region);
    const expected = { SMS_SEGMENT_PRICE_USD: String(prices.smsSegmentUsd), EMAIL_PRICE_PER_1000_USD: String(prices.emailPer1000Usd), GBP_PER_USD: String(prices.gbpPerUsd) };
    const functions = app.resources("aws_lambda_function", `${env}-campaign`);
    const variables = (name: string) => functions.find((f) => f.values.function_name === `medicare-${env}-${name}`)!.values.environment.variables;
    for (const name of ["campaign-plan", "campaign-remind"]) expect(variables(name)).toMatchObject({ ...expected, RUN_BUDGET_GBP: String(ENVIRONMENTS[env].campaign.runBudgetGbp) });
    expect(variables("campaign-report")).toMatchObject(expected);
    expect(variables("campaign-report").RUN_BUDGET_GBP).toBeUndefined();
    const others = functions.filter((f) => !["campaign-plan", "campaign-remind", "campaign-report"].includes(f.values.function_name.replace(`medicare-${env}-`, "")));
    for (const f of others) expect(Object.keys(f.values.environment?.variables ?? {})).not.toContain("RUN_BUDGET_GBP");
  });
});
