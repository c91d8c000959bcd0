import { Finding, PolicyReport, RuleInfo, stackOf } from "./policy-engine";

export const OUTPUT_FORMATS = ["table", "json", "junit", "sarif"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** HIPAA Security Rule references behind the letters used in rule metadata (CONTROLS.md). */
export const HIPAA_REFERENCES: Readonly<Record<string, string>> = {
  A: "164.308(a)(3)/(a)(4), 164.312(a)(1) access control",
  E: "164.312(a)(2)(iv), 164.312(e)(2)(ii) encryption",
  T: "164.312(e)(1) transmission security",
  L: "164.312(b) audit controls",
  I: "164.312(c) integrity",
  B: "164.308(a)(7) contingency plan",
  P: "164.308(a)(5)(ii)(A) security reminders/patching",
};

export function render(report: PolicyReport, format: OutputFormat): string {
  switch (format) {
    case "table":
      return renderTable(report);
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "junit":
      return renderJunit(report);
    case "sarif":
      return `${JSON.stringify(renderSarif(report), null, 2)}\n`;
  }
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** What a security reviewer reads: one row per failure, the fix beneath, then the summary. */
function renderTable(report: PolicyReport): string {
  const out: string[] = [];
  const outcome = (rule: RuleInfo) => {
    const failed = report.findings.filter((f) => f.ruleId === rule.id).length;
    const excepted = report.excepted.filter((f) => f.ruleId === rule.id).length;
    return [failed ? `FAIL (${failed})` : "pass", excepted ? `${excepted} excepted` : ""].filter(Boolean).join(", ");
  };
  out.push(
    table(
      ["RULE", "RESULT", "SEVERITY", "HIPAA", "TITLE"],
      report.rules.map((r) => [r.id, outcome(r), r.severity, r.hipaa.join(" "), r.title]),
    ),
    "",
  );
  if (report.findings.length > 0) {
    out.push(`FAILURES (${report.findings.length})`, "");
    out.push(
      table(
        ["RULE", "SEVERITY", "HIPAA", "RESOURCE", "TITLE"],
        report.findings.map((f) => [f.ruleId, f.severity, f.hipaa.join(" "), f.resourcePath, f.title]),
      ),
      "",
    );
    for (const f of report.findings) {
      out.push(`${f.ruleId} ${f.resourcePath} (${f.file}, ${f.address})`, `  problem: ${f.message}`, `  fix:     ${f.fix}`);
    }
    out.push("");
  }
  if (report.excepted.length > 0) {
    out.push(`EXCEPTED (${report.excepted.length})`, "");
    out.push(
      table(
        ["RULE", "RESOURCE", "OWNER", "EXPIRES", "DAYS LEFT", "REASON"],
        report.excepted.map((f) => [f.ruleId, f.resourcePath, f.exception.owner, f.exception.expires, String(f.exception.daysLeft), f.exception.reason]),
      ),
      "",
    );
  }
  if (report.warnings.length > 0) {
    out.push(`WARNINGS (${report.warnings.length}; they fail the run with --fail-on-warn)`, ...report.warnings.map((w) => `  - ${w}`), "");
  }
  if (report.exceptionProblems.length > 0) {
    out.push(`EXCEPTION PROBLEMS (${report.exceptionProblems.length})`, ...report.exceptionProblems.map((p) => `  - ${p}`), "");
  }
  const stacks = [...new Set(report.files.map(stackOf))];
  out.push(
    `Checked ${report.files.length} file(s) (${stacks.join(", ")}) against ${report.rules.length} rules: ` +
      `${report.findings.length} failure(s), ${report.excepted.length} excepted, ${report.exceptionProblems.length} exception problem(s), ${report.warnings.length} warning(s).`,
    report.passed ? "PASS" : "FAIL",
  );
  return `${out.join("\n")}\n`;
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** One suite per checked file, one test case per rule; a failing rule lists each resource. */
function renderJunit(report: PolicyReport): string {
  const suites = report.files.map((file) => {
    const inFile = (f: Finding) => f.file === file;
    const cases = report.rules.map((rule) => {
      const failures = report.findings.filter((f) => inFile(f) && f.ruleId === rule.id);
      const name = xml(`${rule.id} ${rule.title}`);
      if (failures.length === 0) return `    <testcase classname="${xml(file)}" name="${name}"/>`;
      const body = failures.map((f) => `${f.resourcePath}: ${f.message}\nfix: ${f.fix}`).join("\n\n");
      return `    <testcase classname="${xml(file)}" name="${name}">\n      <failure message="${xml(`${failures.length} resource(s) fail ${rule.id}`)}" type="${rule.severity}">${xml(body)}</failure>\n    </testcase>`;
    });
    const failed = report.rules.filter((r) => report.findings.some((f) => inFile(f) && f.ruleId === r.id)).length;
    return `  <testsuite name="${xml(file)}" tests="${report.rules.length}" failures="${failed}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  if (report.exceptionProblems.length > 0) {
    const cases = report.exceptionProblems.map(
      (p, i) => `    <testcase classname="exceptions" name="exception ${i + 1}">\n      <failure message="${xml(p)}"/>\n    </testcase>`,
    );
    suites.push(`  <testsuite name="exceptions" tests="${cases.length}" failures="${cases.length}">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="medicare-policy">\n${suites.join("\n")}\n</testsuites>\n`;
}

function sarifLevel(severity: RuleInfo["severity"]): "error" | "warning" {
  return severity === "critical" || severity === "high" ? "error" : "warning";
}

/** SARIF 2.1.0 for code scanning: rules from the catalogue, one result per failure. */
function renderSarif(report: PolicyReport): object {
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "medicare-policy",
            informationUri: "https://github.com/open-policy-agent/conftest",
            rules: report.rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: `${r.control} (HIPAA ${r.hipaa.map((h) => HIPAA_REFERENCES[h] ?? h).join("; ")})` },
              help: { text: r.fix },
              defaultConfiguration: { level: sarifLevel(r.severity) },
              properties: { severity: r.severity, hipaa: r.hipaa, references: r.references },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          level: sarifLevel(f.severity),
          message: { text: `${f.message} Fix: ${f.fix}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: f.file } },
              logicalLocations: [{ name: f.resourcePath, fullyQualifiedName: f.address, kind: "resource" }],
            },
          ],
        })),
      },
    ],
  };
}
