/**
 * The report of derived grants the integration tests exercised (scripts/review/lib/sql-grant-usage.ts),
 * over synthetic records: no database.
 */
import { grantUsage, renderGrantUsage, statementsNeverRun, summaryLine } from "../../scripts/review/lib/sql-grant-usage";
import type { FunctionSqlGrants } from "../../scripts/review/lib/function-sql-grants";
import type { DatabaseUser } from "../../functions/campaign/schema/users";

const USERS: readonly DatabaseUser[] = [
  {
    name: "campaign-web",
    grants: [
      { table: "forms", select: ["definition", "id", "slug"], insert: [], update: [], delete: false },
      { table: "bookings", select: ["invitation_id"], insert: [], update: [], delete: true },
      { table: "campaigns", select: "all", insert: [], update: [], delete: false },
    ],
  },
  { name: "form-submit", grants: [{ table: "form_submissions", select: [], insert: ["answers", "form_id"], update: [], delete: false }] },
];

describe("grant usage", () => {
  const report = grantUsage(
    [
      { function: "campaign-web", sql: "SELECT id, definition FROM forms WHERE slug = ?", testFile: "a.test.ts" },
      { function: "campaign-web", sql: "SELECT COUNT(*) AS n FROM campaigns", testFile: "b.test.ts" },
      // Ran, but no grant covers it: the database would have refused it (listed, never hidden).
      { function: "campaign-web", sql: "SELECT email FROM patients WHERE id = ?", testFile: "b.test.ts" },
      { function: "campaign-web", sql: "SELECT 1", testFile: "b.test.ts" },
    ],
    USERS,
  );
  const web = report.functions.find((f) => f.function === "campaign-web")!;

  it("splits each function's derived (table, column, privilege) grants into exercised and not", () => {
    expect(web.exercised).toEqual(["campaigns\t\tSELECT", "forms\tdefinition\tSELECT", "forms\tid\tSELECT", "forms\tslug\tSELECT"]);
    expect(web.unexercised).toEqual(["bookings\t\tDELETE", "bookings\tinvitation_id\tSELECT"]);
    expect(web.underived).toEqual(["patients\temail\tSELECT", "patients\tid\tSELECT"]);
    expect(web.testFiles).toEqual(["a.test.ts", "b.test.ts"]);
  });

  it("lists a function no test ran with every grant unexercised", () => {
    expect(report.functions.find((f) => f.function === "form-submit")).toMatchObject({ exercised: [], unexercised: ["form_submissions\tanswers\tINSERT", "form_submissions\tform_id\tINSERT"], statements: 0 });
  });

  it("prints each unexercised grant as GRANT names it, and one summary line", () => {
    const text = renderGrantUsage(report);
    expect(text).toContain("campaign-web: 4 of 6 exercised by 4 statement(s) in 2 test file(s)");
    expect(text).toContain("  never exercised: DELETE ON bookings");
    expect(text).toContain("  never exercised: SELECT (invitation_id) ON bookings");
    expect(text).toContain("  ran without a derived grant (the database should have refused it): SELECT (email) ON patients");
    expect(summaryLine(report, "reports/x.txt")).toBe("SQL grants: 4 of 8 derived grants exercised by 2 integration test file(s); 4 never exercised (reports/x.txt)");
  });

  it("names, by site, the statements a function's code can run that no test ran as its user", () => {
    const analysed: FunctionSqlGrants[] = [
      {
        entry: "campaign-web/handler.ts",
        function: "campaign-web",
        role: "derived",
        statements: [
          { sql: "SELECT id, definition FROM forms WHERE slug = ?", sites: ["functions/forms/store.ts:10"] },
          { sql: "DELETE FROM bookings WHERE invitation_id = ?", sites: ["functions/campaign/booking.ts:40"] },
        ],
        tables: [],
        lockFunctions: [],
      },
      { entry: "db-migrate/handler.ts", function: "db-migrate", role: "schema-owner", statements: [], tables: [], lockFunctions: [] },
    ];
    const neverRun = statementsNeverRun([{ function: "campaign-web", sql: "SELECT id, definition FROM forms WHERE slug = ?", testFile: "a.test.ts" }], analysed);
    expect([...neverRun.keys()]).toEqual(["campaign-web"]);
    expect(neverRun.get("campaign-web")!.map((s) => s.sites[0])).toEqual(["functions/campaign/booking.ts:40"]);
    expect(renderGrantUsage(report, neverRun)).toContain("  statement never run as campaign-web: functions/campaign/booking.ts:40: DELETE FROM bookings WHERE invitation_id = ?");
  });
});
