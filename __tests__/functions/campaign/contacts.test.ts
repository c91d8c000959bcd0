/**
 * UK validation of contact details (issue 17 item 9): only UK mobile numbers are texted and only
 * well-formed addresses (no control characters, no CR/LF) are mailed; the planner reports the
 * others by patient id, and the send worker refuses them even if they changed after planning.
 */
import type { RowDataPacket } from "mysql2/promise";
import { emailProblem, isUkMobile, phoneProblem } from "../../../functions/campaign/contacts";
import { InMemorySendQueue, planCampaign, sendInvitation } from "../../../functions/campaign/dispatch";
import { createCampaign, seedPatients, sendDependencies, verifyEmailSource } from "../../support/dispatch-fixtures";
import { createTestDatabase, localServices, TestDatabase } from "../../support/local-services";

describe("the rules", () => {
  test.each([
    ["+447700900123", true],
    ["+447123456789", true],
    ["+447512345678", true],
    ["+447912345678", true],
    ["+447624123456", true], // Isle of Man mobile
    ["+447012345678", false], // 070 personal numbering: premium rate
    ["+447612345678", false], // 076 pagers
    ["+442079460000", false], // London landline
    ["+449012345678", false], // premium rate
    ["+448001234567", false], // freephone
    ["+12025550123", false], // United States
    ["+33612345678", false], // French mobile
    ["+4477009001234", false], // a digit too many
    ["+44770090012", false], // a digit too few
    ["07700900123", false], // national format: not E.164
    ["+447700900123\n", false],
  ])("%j is a UK mobile: %s", (phone, expected) => {
    expect(isUkMobile(phone)).toBe(expected);
    expect(phoneProblem(phone) === undefined).toBe(expected);
  });

  test.each([
    ["ada@example.org", undefined],
    ["o'brien+flu@mail.example.co.uk", undefined],
    ["ada@xn--bcher-kva.example", undefined],
    ["ada@example.org\r\nBcc: victim@example.org", "contains control characters or a line break"],
    ["ada@example.org\n", "contains control characters or a line break"],
    ["ada\u0000@example.org", "contains control characters or a line break"],
    ["ada @example.org", "not an e-mail address (name@example.org)"],
    ["ada@localhost", "not an e-mail address (name@example.org)"],
    ["ada@@example.org", "not an e-mail address (name@example.org)"],
    ["ada..b@example.org", "not an e-mail address (name@example.org)"],
    [".ada@example.org", "not an e-mail address (name@example.org)"],
    ["\"ada\"@example.org", "not an e-mail address (name@example.org)"],
    ["ada@exa_mple.org", "not an e-mail address (name@example.org)"],
    [`${"a".repeat(65)}@example.org`, "local part longer than 64 characters"],
  ])("%j: %s", (email, problem) => {
    expect(emailProblem(email)).toBe(problem);
  });
});

describe("planning and sending against MariaDB and moto", () => {
  let db: TestDatabase;
  let moto: string;
  beforeAll(async () => {
    db = await createTestDatabase("contacts");
    moto = (await localServices()).awsEndpoint;
    await verifyEmailSource(moto);
  });
  afterAll(async () => db?.drop());

  test("invalid details are never planned, and the plan reports them by patient id; valid channels of the same patient still go", async () => {
    const ids = await seedPatients(db.admin, [
      { ref: "good", phone: "+447700900201", email: "good@example.org" },
      { ref: "us-phone", phone: "+12025550123", email: "us@example.org" },
      { ref: "landline-only", phone: "+442079460000" },
      { ref: "premium-only", phone: "+447012345678" },
      { ref: "crlf-email", email: "crlf@example.org\r\nBcc: x@example.org" },
      { ref: "bad-both", phone: "+33612345678", email: "not an address" },
    ]);
    const campaignId = await createCampaign(db.admin);
    const result = await planCampaign({ pool: db.as("campaign-plan"), queue: new InMemorySendQueue() }, campaignId);
    expect(result.invitations).toBe(2);
    expect(result.ineligible).toBe(4);
    expect(result.invalidContacts).toBe(6);
    expect([...result.invalidContactList].sort((a, b) => a.patientId - b.patientId || a.channel.localeCompare(b.channel))).toEqual(
      [
        { patientId: ids.get("us-phone"), channel: "sms" },
        { patientId: ids.get("landline-only"), channel: "sms" },
        { patientId: ids.get("premium-only"), channel: "sms" },
        { patientId: ids.get("crlf-email"), channel: "email" },
        { patientId: ids.get("bad-both"), channel: "email" },
        { patientId: ids.get("bad-both"), channel: "sms" },
      ].sort((a, b) => a.patientId! - b.patientId! || a.channel.localeCompare(b.channel)),
    );
    const [rows] = await db.admin.query<RowDataPacket[]>(
      "SELECT p.external_ref AS ref, d.channel FROM deliveries d JOIN invitations i ON i.id = d.invitation_id JOIN patients p ON p.id = i.patient_id ORDER BY ref, channel",
    );
    // ENUM columns sort by their declared order: sms before email.
    expect(rows.map((r) => `${r.ref}:${r.channel}`)).toEqual(["good:sms", "good:email", "us-phone:email"]);
  });

  test("a number changed to a landline after planning: the worker records a failure and sends nothing", async () => {
    const ids = await seedPatients(db.admin, [{ ref: "changed", phone: "+447700900301", email: "changed@example.org", conditions: ["changes"] }]);
    const campaignId = await createCampaign(db.admin, { name: "changes", condition: "changes" });
    const queue = new InMemorySendQueue();
    await planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId);
    await db.admin.query("UPDATE patients SET phone_e164 = '+442079460001', email = 'changed@example.org\\nBcc: x@example.org' WHERE id = ?", [ids.get("changed")]);
    const [request] = queue.take();
    const result = await sendInvitation(sendDependencies(db.as("campaign-send"), moto), request);
    expect(result.outcomes).toEqual({ sms: "failed", email: "failed" });
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT channel, status, status_detail, sent_at FROM deliveries WHERE invitation_id = ? ORDER BY channel", [request.invitationId]);
    expect(rows).toEqual([
      { channel: "sms", status: "failed", status_detail: "invalid contact details: a UK landline or non-mobile number", sent_at: null },
      { channel: "email", status: "failed", status_detail: "invalid contact details: contains control characters or a line break", sent_at: null },
    ]);
  });
});
