/**
 * The weekly report against MariaDB and moto: a campaign seeded with known deliveries,
 * responses, bookings and opt-outs across two London weeks (one message on each side of the
 * Sunday-midnight BST boundary) and both channels; exact numbers, no patient data anywhere,
 * CSV that parses back, SSE-KMS objects and an SNS message read back through SQS.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { notifyStaff } from "../../../functions/campaign/report-notify";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  buildCampaignReport,
  CampaignNotFoundError,
  CampaignReport,
  csvCell,
  CSV_HEADER,
  isoWeekLabel,
  londonWeek,
  renderReportCsv,
  renderReportHtml,
  ReportCounts,
  writeReport,
  zeroReportCounts,
} from "../../../functions/campaign/report";
import { awsTestConfig, createTestDatabase, localServices, TEST_REGION, TestDatabase } from "../../support/local-services";

const CAMPAIGN_NAME = '=HYPERLINK("http://evil.example","Flu, 2026")';
const GENERATED_AT = new Date("2026-10-26T09:00:00.000Z");
const KMS_KEY_ID = `arn:aws:kms:${TEST_REGION}:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;

const PATIENTS = [1, 2, 3, 4, 5, 6, 7].map((n) => ({
  externalRef: `EXT-REF-${n}0${n}`,
  given: `Givenname${n}`,
  family: `Familyname${n}`,
  phone: `+4477009001${n}${n}`,
  email: `patient${n}.private@example.org`,
}));
const SECRET_TOKEN = "AAAAAAAAAAAAAAAAAAAAAA";

type Delivery = [invitation: number, round: number, channel: "sms" | "email", status: string, claimedAt: string | null, sentAt: string | null];
// Week 42 (Mon 12 Oct 2026 London) and week 43 (Mon 19 Oct); in BST, London midnight is 23:00 UTC.
const DELIVERIES: Delivery[] = [
  [1, 0, "sms", "delivered", "2026-10-13 09:00:00", "2026-10-13 09:00:01"],
  [1, 0, "email", "sent", "2026-10-13 09:00:00", "2026-10-13 09:00:02"],
  [2, 0, "sms", "failed", "2026-10-13 09:01:00", null],
  [2, 0, "email", "delivered", "2026-10-13 09:01:00", "2026-10-13 09:01:02"],
  [3, 0, "sms", "undeliverable", "2026-10-13 09:02:00", "2026-10-13 09:02:01"],
  [3, 0, "email", "skipped_opted_out", "2026-10-13 09:02:00", null],
  [4, 0, "sms", "unknown", "2026-10-14 09:00:00", null],
  [4, 0, "email", "pending", null, null], // counted by the invitation's issued_at (14 Oct)
  [5, 0, "sms", "skipped_opted_out", "2026-10-14 09:00:00", null],
  [5, 0, "email", "delivered", "2026-10-14 09:00:00", "2026-10-14 09:00:01"],
  [6, 0, "sms", "delivered", "2026-10-18 22:30:00", "2026-10-18 22:30:01"], // Sunday 23:30 BST: week 42
  [6, 0, "email", "delivered", "2026-10-18 23:30:00", "2026-10-18 23:30:01"], // Monday 00:30 BST: week 43
  [2, 1, "sms", "delivered", "2026-10-20 09:00:00", "2026-10-20 09:00:01"],
  [4, 1, "email", "failed", "2026-10-21 09:00:00", "2026-10-21 09:00:01"], // accepted, then failed
];

let db: TestDatabase;
let campaignId: number;
let report: CampaignReport;

const counts = (values: Partial<ReportCounts>): ReportCounts => ({ ...zeroReportCounts(), ...values });

beforeAll(async () => {
  db = await createTestDatabase("campaign_report");
  const q = (sql: string, values: unknown[] = []) => db.admin.query(sql, values);
  for (const p of PATIENTS) await q("INSERT INTO patients (external_ref, given_name, family_name, phone_e164, email) VALUES (?, ?, ?, ?, ?)", [p.externalRef, p.given, p.family, p.phone, p.email]);
  await q("INSERT INTO campaigns (id, name, condition_code, status, token_ttl_days, reminder_interval_days, max_reminders, created_at) VALUES (1, ?, 'chronic-respiratory', 'running', 28, 7, 3, '2026-10-01 00:00:00')", [CAMPAIGN_NAME]);
  await q("INSERT INTO campaigns (id, name, condition_code, status, token_ttl_days, reminder_interval_days, max_reminders, created_at) VALUES (2, 'Other campaign', 'x', 'running', 28, 7, 3, '2026-10-01 00:00:00')");
  campaignId = 1;
  for (let i = 1; i <= 6; i++) {
    await q("INSERT INTO invitations (id, campaign_id, patient_id, created_at, issued_at) VALUES (?, 1, ?, '2026-10-12 08:00:00', '2026-10-14 08:00:00')", [i, i]);
  }
  await q("INSERT INTO invitations (id, campaign_id, patient_id, created_at, issued_at) VALUES (7, 2, 7, '2026-10-12 08:00:00', '2026-10-14 08:00:00')");
  await q("INSERT INTO invitation_tokens (token_hash, invitation_id, round, expires_at) VALUES (UNHEX(SHA2(?, 256)), 1, 0, '2026-11-09 00:00:00')", [SECRET_TOKEN]);
  for (const [invitation, round, channel, status, claimedAt, sentAt] of DELIVERIES) {
    await q("INSERT INTO deliveries (invitation_id, round, channel, status, claimed_at, sent_at, status_at, provider_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
      invitation,
      round,
      channel,
      status,
      claimedAt,
      sentAt,
      claimedAt,
      sentAt ? `msg-${invitation}-${round}-${channel}` : null,
    ]);
  }
  // Another campaign's traffic must not leak in.
  await q("INSERT INTO deliveries (invitation_id, round, channel, status, claimed_at, sent_at) VALUES (7, 0, 'sms', 'delivered', '2026-10-13 09:00:00', '2026-10-13 09:00:01')");
  await q("UPDATE invitations SET responded_at = CASE id WHEN 1 THEN '2026-10-14 10:00:00' WHEN 6 THEN '2026-10-19 10:00:00' WHEN 2 THEN '2026-10-20 12:00:00' WHEN 5 THEN '2026-10-22 12:00:00' WHEN 7 THEN '2026-10-14 10:00:00' END WHERE id IN (1, 2, 5, 6, 7)");
  await q("INSERT INTO appointment_slots (id, campaign_id, site, starts_at, capacity) VALUES (1, 1, 'Clinic', '2026-11-01 09:00:00', 10), (2, 2, 'Clinic', '2026-11-01 09:00:00', 10)");
  await q("INSERT INTO bookings (invitation_id, slot_id, booked_at) VALUES (1, 1, '2026-10-15 10:00:00'), (2, 1, '2026-10-21 10:00:00'), (7, 2, '2026-10-15 10:00:00')");
  await q(
    `INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES
     (5, 'sms', '2026-09-01 00:00:00', 'patient'),
     (3, 'email', '2026-10-13 10:00:00', 'patient'),
     (1, 'sms', '2026-10-20 10:00:00', 'carrier'),
     (7, 'email', '2026-10-13 10:00:00', 'patient')`,
  );
  report = await buildCampaignReport(db.as("campaign-report"), campaignId, () => GENERATED_AT);
});
afterAll(async () => db?.drop());

describe("London weeks", () => {
  test("Monday 00:00 London starts the week, through BST and GMT", () => {
    expect(londonWeek(new Date("2026-10-18T22:59:59Z"))).toEqual({ week: "2026-W42", weekStart: "2026-10-12" });
    expect(londonWeek(new Date("2026-10-18T23:00:00Z"))).toEqual({ week: "2026-W43", weekStart: "2026-10-19" });
    expect(londonWeek(new Date("2026-11-01T23:59:59Z"))).toEqual({ week: "2026-W44", weekStart: "2026-10-26" });
    expect(londonWeek(new Date("2026-11-02T00:00:00Z"))).toEqual({ week: "2026-W45", weekStart: "2026-11-02" });
  });
  test("ISO week numbers at year ends", () => {
    expect(isoWeekLabel("2025-12-29")).toBe("2026-W01");
    expect(isoWeekLabel("2020-12-28")).toBe("2020-W53");
    expect(isoWeekLabel("2027-01-04")).toBe("2027-W01");
  });
});

describe("aggregates", () => {
  test("per week and channel, exactly", () => {
    expect(report.rows.map((r) => [r.week, r.weekStart, r.channel, r.counts])).toEqual([
      ["2026-W42", "2026-10-12", "sms", counts({ invited: 6, messages: 6, sent: 3, delivered: 2, failed: 1, undeliverable: 1, optedOutSkipped: 1, optedOut: 1, unknown: 1, responded: 1, booked: 1 })],
      ["2026-W42", "2026-10-12", "email", counts({ invited: 6, messages: 5, sent: 3, delivered: 2, optedOutSkipped: 1, optedOutNew: 1, optedOut: 2, inProgress: 1, responded: 1, booked: 1 })],
      ["2026-W42", "2026-10-12", "all", counts({ invited: 6, messages: 11, sent: 6, delivered: 4, failed: 1, undeliverable: 1, optedOutSkipped: 2, optedOutNew: 1, optedOut: 3, unknown: 1, inProgress: 1, responded: 1, booked: 1 })],
      ["2026-W43", "2026-10-19", "sms", counts({ messages: 1, sent: 1, delivered: 1, optedOutNew: 1, optedOut: 1, responded: 2, booked: 1 })],
      ["2026-W43", "2026-10-19", "email", counts({ messages: 2, sent: 2, delivered: 1, failed: 1, responded: 3, booked: 1 })],
      ["2026-W43", "2026-10-19", "all", counts({ messages: 3, sent: 3, delivered: 2, failed: 1, optedOutNew: 1, optedOut: 1, responded: 3, booked: 1 })],
    ]);
  });

  test("totals, reach and rates per channel", () => {
    expect(report.invitations).toBe(6);
    expect(report.totals).toEqual([
      {
        channel: "sms",
        counts: counts({ invited: 6, messages: 7, sent: 4, delivered: 3, failed: 1, undeliverable: 1, optedOutSkipped: 1, optedOutNew: 1, optedOut: 2, unknown: 1, responded: 3, booked: 2 }),
        reached: 4,
        responseRate: 0.75,
        bookingRate: 0.5,
      },
      {
        channel: "email",
        counts: counts({ invited: 6, messages: 7, sent: 5, delivered: 3, failed: 1, optedOutSkipped: 1, optedOutNew: 1, optedOut: 2, inProgress: 1, responded: 4, booked: 2 }),
        reached: 5,
        responseRate: 0.8,
        bookingRate: 0.4,
      },
      {
        channel: "all",
        counts: counts({ invited: 6, messages: 14, sent: 9, delivered: 6, failed: 2, undeliverable: 1, optedOutSkipped: 2, optedOutNew: 2, optedOut: 4, unknown: 1, inProgress: 1, responded: 4, booked: 2 }),
        reached: 6,
        responseRate: 4 / 6,
        bookingRate: 2 / 6,
      },
    ]);
  });

  test("a quiet week between busy ones appears as zeros; an unknown campaign is a clear error", async () => {
    await db.admin.query("INSERT INTO deliveries (invitation_id, round, channel, status, claimed_at, sent_at) VALUES (1, 2, 'sms', 'delivered', '2026-11-03 09:00:00', '2026-11-03 09:00:01')");
    try {
      const later = await buildCampaignReport(db.as("campaign-report"), campaignId, () => new Date("2026-11-05T00:00:00Z"));
      expect([...new Set(later.rows.map((r) => r.week))]).toEqual(["2026-W42", "2026-W43", "2026-W44", "2026-W45"]);
      expect(later.rows.filter((r) => r.week === "2026-W44").map((r) => r.counts)).toEqual([counts({}), counts({}), counts({})]);
    } finally {
      await db.admin.query("DELETE FROM deliveries WHERE invitation_id = 1 AND round = 2");
    }
    await expect(buildCampaignReport(db.as("campaign-report"), 999, () => GENERATED_AT)).rejects.toThrow(new CampaignNotFoundError(999));
  });
});

const PATIENT_STRINGS = [...PATIENTS.flatMap((p) => [p.externalRef, p.given, p.family, p.phone, p.phone.slice(1), p.email]), SECRET_TOKEN, "msg-1-0-sms"];
const expectNoPatientData = (text: string) => {
  for (const secret of PATIENT_STRINGS) expect(text).not.toContain(secret);
};

describe("HTML", () => {
  const page = () => renderReportHtml(report);

  test("shows the campaign (escaped), the summary and every week's numbers, with the legend and generation time", () => {
    const markup = page();
    expect(markup).toContain("<h1>Campaign report: &#61;HYPERLINK(&quot;http://evil.example&quot;,&quot;Flu, 2026&quot;)</h1>");
    expect(markup).toContain("Patients invited: <strong>6</strong>; reached by at least one message: <strong>6</strong>");
    expect(markup).toContain("Messages sent: <strong>9</strong> of 14; delivered 6, failed 2, undeliverable 1");
    expect(markup).toContain("Responded: <strong>4</strong> (66.7%); booked online: <strong>2</strong> (33.3%)");
    expect(markup).toContain("Responded, not booked online: <strong>2</strong> (recorded by staff: booked by phone 0, vaccinated elsewhere 0, declined 0)");
    expect(markup).toContain("Non-respondents: <strong>2</strong>, of whom 0 opened their link without booking");
    // Invited in the weekly table counts patients, as the summary does: 6 in all, none in week 43.
    expect(markup).toContain('<tr><th scope="row">2026-W42 (from 2026-10-12)</th><td>6</td><td>1</td><td>1</td></tr>');
    expect(markup).toContain('<tr><th scope="row">2026-W43 (from 2026-10-19)</th><td>0</td><td>3</td><td>1</td></tr>');
    expect(markup).toContain('<tr><th scope="row">2026-W42 (from 2026-10-12)</th><td>6</td><td>3</td><td>2</td><td>2</td><td>1</td><td>1</td></tr>');
    expect(markup).toContain("<tr><th scope=\"row\">SMS</th><td>4</td><td>75.0%</td><td>50.0%</td></tr>");
    expect(markup).toContain("Generated 26 October 2026 at 09:00 (UK time; 2026-10-26T09:00:00.000Z UTC)");
    expect(markup).toContain("<h2>What the numbers mean</h2>");
    expect(markup).toContain("<h2>Email, week by week</h2>");
    expect(markup).not.toMatch(/<script|<link|src=/);
  });

  test("readable in a 640 px column: no table wider than 7 columns, Responded and Booked in the patient tables, every table captioned, no inline style", () => {
    const markup = page();
    const tables = markup.match(/<table>[\s\S]*?<\/table>/g) ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(8);
    for (const table of tables) {
      expect(table).toMatch(/^<table>\n<caption>[^<]+<\/caption>/);
      const headerCells = (/<thead><tr>([\s\S]*?)<\/tr><\/thead>/.exec(table)?.[1].match(/<th /g) ?? []).length;
      expect(headerCells).toBeLessThanOrEqual(7);
    }
    expect(tables.filter((t) => t.includes("patients by week"))).toHaveLength(3);
    for (const table of tables.filter((t) => t.includes("patients by week"))) expect(table).toContain('<th scope="col">Responded</th><th scope="col">Booked</th>');
    expect(markup).not.toMatch(/ style=/);
  });

  test("holds no patient name, phone, email, reference or token", () => expectNoPatientData(page()));
});

/** RFC 4180 reader, independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += c;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe("CSV", () => {
  test("parses back: header, one row per week and channel, then totals; the formula-looking name is defused", () => {
    const rows = parseCsv(renderReportCsv(report));
    expect(rows[0]).toEqual(CSV_HEADER);
    expect(rows).toHaveLength(1 + 6 + 3);
    const guardedName = `'${CAMPAIGN_NAME}`;
    expect(rows[1]).toEqual([guardedName, "2026-W42", "2026-10-12", "sms", "6", "6", "3", "2", "1", "1", "1", "1", "0", "1", "0", "1", "1", "", "", ""]);
    expect(rows[6]).toEqual([guardedName, "2026-W43", "2026-10-19", "all", "0", "3", "3", "2", "1", "0", "1", "0", "1", "0", "0", "3", "1", "", "", ""]);
    expect(rows[9]).toEqual([guardedName, "total", "", "all", "6", "14", "9", "6", "2", "1", "4", "2", "2", "1", "1", "4", "2", "6", "0.6667", "0.3333"]);
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
    expectNoPatientData(renderReportCsv(report));
  });

  test("cells: RFC 4180 quoting and the formula guard", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("line\r\nbreak")).toBe('"line\r\nbreak"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+44")).toBe("'+44");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    // Leading white space, non-breaking space and full-width signs: spreadsheets trim or fold them.
    expect(csvCell(" =1+1")).toBe("' =1+1");
    expect(csvCell("\u00A0=1+1")).toBe("'\u00A0=1+1");
    expect(csvCell("\u3000+44")).toBe("'\u3000+44");
    expect(csvCell("＝1+1")).toBe("'＝1+1");
    expect(csvCell("＋44")).toBe("'＋44");
    expect(csvCell("－2")).toBe("'－2");
    expect(csvCell("＠SUM(A1)")).toBe("'＠SUM(A1)");
    expect(csvCell("\r=1")).toBe("\"'\r=1\"");
    expect(csvCell("a = b")).toBe("a = b");
    expect(csvCell("  plain")).toBe("  plain");
    expect(csvCell('=HYPERLINK("a","b")')).toBe(`"'=HYPERLINK(""a"",""b"")"`);
    expect(csvCell(12)).toBe("12");
    expect(csvCell(null)).toBe("");
  });
});

describe("writing to S3 and telling staff", () => {
  const bucket = `reports-${Date.now()}`;
  let s3: S3Client;
  let sns: SNSClient;
  let sqs: SQSClient;
  let queueUrl: string;
  let topicArn: string;

  beforeAll(async () => {
    const config = awsTestConfig(await localServices());
    s3 = new S3Client(config);
    sns = new SNSClient(config);
    sqs = new SQSClient(config);
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: TEST_REGION } }));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: `staff-reports-${Date.now()}` }))).TopicArn!;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `staff-inbox-${Date.now()}` }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
  });
  afterAll(() => [s3, sns, sqs].forEach((c) => c?.destroy()));

  test("HTML and CSV land under reports/<campaign>/<date>/ with SSE-KMS and the right content types; the SNS message has no patient data", async () => {
    const written = await writeReport({ s3, bucket, kmsKeyId: KMS_KEY_ID, region: TEST_REGION }, report);
    await notifyStaff(sns, topicArn, written);
    expect(written.htmlKey).toBe("reports/1/2026-10-26/report.html");
    expect(written.csvKey).toBe("reports/1/2026-10-26/report.csv");

    for (const [key, contentType, expected] of [
      [written.htmlKey, "text/html; charset=utf-8", renderReportHtml(report)],
      [written.csvKey, "text/csv; charset=utf-8; header=present", renderReportCsv(report)],
    ]) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ServerSideEncryption).toBe("aws:kms");
      expect(head.SSEKMSKeyId).toBe(KMS_KEY_ID);
      expect(head.ContentType).toBe(contentType);
      const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
      expect(body).toBe(expected);
    }

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
    expect(received.Messages).toHaveLength(1);
    const envelope = JSON.parse(received.Messages![0].Body!);
    expect(envelope.Subject).toBe("mediCARE campaign report ready");
    const message: string = envelope.Message;
    expect(message).toContain(`The weekly report for campaign "${CAMPAIGN_NAME}" (id 1) is ready.`);
    expect(message).toContain(`Report: s3://${bucket}/reports/1/2026-10-26/report.html`);
    expect(message).toContain(`https://${TEST_REGION}.console.aws.amazon.com/s3/object/${bucket}?region=${TEST_REGION}&prefix=reports%2F1%2F2026-10-26%2Freport.html`);
    expect(message).toContain("Patients: 6 invited, 4 responded, 2 booked online, 2 responded without booking online, 2 not responded yet.");
    expect(message).toContain("Messages: 14 addressed, 9 sent, 6 delivered, 2 failed, 1 undeliverable, 4 opted out, 1 unknown.");
    expectNoPatientData(JSON.stringify(envelope));
    expect(message.split("\n")).toHaveLength(8);
  });
});
