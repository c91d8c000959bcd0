/**
 * The send worker as Lambda runs it: the esbuild bundle (the SDK's ESM builds, the credential
 * stand-in, mysql2 with its replacements), required in a fresh Node process with only its
 * environment, handed an SQS event, and sending through SNS and SES on moto into MariaDB.
 * bundles.test.ts shows each bundle loads; this shows a bundled client signs, sends and parses.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { CreateConfigurationSetCommand, SESClient } from "@aws-sdk/client-ses";
import type { RowDataPacket } from "mysql2/promise";
import { bookSlot } from "../../functions/campaign/booking";
import { InMemorySendQueue, planCampaign, serializeSendRequest } from "../../functions/campaign/dispatch";
import { redeemToken } from "../../functions/campaign/redeem";
import { bundledJavaScript, PLACEHOLDER_FUNCTION_ENVIRONMENT } from "../../scripts/review/lib/function-bundles";
import { awsClientConfig, createCampaign, EMAIL_SOURCE, seedPatients, verifyEmailSource } from "../support/dispatch-fixtures";
import { createTestDatabase, insertId, localServices, TestDatabase } from "../support/local-services";

const RUNNER = `
const [bundle, event] = process.argv.slice(1);
require(bundle).handler(JSON.parse(event), {}).then(
  (result) => { process.stdout.write(JSON.stringify(result)); process.exit(0); },
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
);
`;

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase("bundled_send");
  dir = mkdtempSync(join(tmpdir(), "medicare-bundled-send-"));
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

test("the bundled campaign-send handler sends an invitation's SMS and e-mail, and a booking confirmation's, through moto and records them", async () => {
  const services = await localServices();
  await verifyEmailSource(services.awsEndpoint);
  const configurationSet = `bundled-send-${Date.now()}`;
  await new SESClient(awsClientConfig(services.awsEndpoint)).send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: configurationSet } }));
  await seedPatients(db.admin, [{ ref: "B1", phone: "+447700900411", email: "b1@patients.example.org" }]);
  const campaign = await createCampaign(db.admin);
  const queue = new InMemorySendQueue();
  await planCampaign({ pool: db.as("campaign-plan"), queue }, campaign);
  const [request] = queue.take();

  // The patient books at once: the booking's confirmation rides in the same batch as the invitation.
  const slot = await insertId(db.admin, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity) VALUES (?, 'Hillside Clinic', ?, 5)", [campaign, new Date(Date.now() + 3 * 86_400_000)]);
  const redeemed = await redeemToken(db.as("campaign-web"), request.token);
  if (redeemed.outcome !== "redeemed") throw new Error(`seed: ${redeemed.outcome}`);
  expect((await bookSlot(db.as("campaign-web"), redeemed.session.secret, slot)).outcome).toBe("booked");
  const [confirmationRows] = await db.admin.query<RowDataPacket[]>("SELECT id FROM booking_confirmations WHERE invitation_id = ? ORDER BY id", [request.invitationId]);

  const bundle = join(dir, "index.js");
  writeFileSync(bundle, bundledJavaScript("campaign-send/handler.ts"));
  const record = (messageId: string, body: string) => ({ messageId, receiptHandle: `r-${messageId}`, body, attributes: {}, messageAttributes: {}, eventSource: "aws:sqs" });
  const event = {
    Records: [
      record("m-1", serializeSendRequest(request)),
      ...confirmationRows.map((row) => record(`c-${row.id}`, serializeSendRequest({ confirmationId: Number(row.id) }))),
    ],
  };
  const run = spawnSync(process.execPath, ["-e", RUNNER, bundle, JSON.stringify(event)], {
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? "",
      ...PLACEHOLDER_FUNCTION_ENVIRONMENT,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_SESSION_TOKEN: "testing",
      AWS_ENDPOINT_URL: services.awsEndpoint,
      ...db.environmentAs("campaign-send"),
      EMAIL_SOURCE,
      SES_CONFIGURATION_SET: configurationSet,
      POWERTOOLS_METRICS_DISABLED: "true",
    },
  });
  if (process.env.DEBUG_BUNDLE) console.log(run.stdout, (await db.admin.query("SELECT channel, status, status_detail FROM deliveries"))[0]);
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({ batchItemFailures: [] });

  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT channel, status, provider_message_id FROM deliveries WHERE invitation_id = ? ORDER BY channel", [request.invitationId]);
  expect(rows.map((r) => [r.channel, r.status])).toEqual([["sms", "sent"], ["email", "sent"]]);
  expect(rows.every((r) => typeof r.provider_message_id === "string" && r.provider_message_id.length > 0)).toBe(true);
  const [confirmations] = await db.admin.query<RowDataPacket[]>("SELECT channel, kind, status, provider_message_id FROM booking_confirmations WHERE invitation_id = ? ORDER BY id", [request.invitationId]);
  expect(confirmations.map((r) => [r.channel, r.kind, r.status])).toEqual([["sms", "booked", "sent"], ["email", "booked", "sent"]]);
  expect(confirmations.every((r) => typeof r.provider_message_id === "string" && r.provider_message_id.length > 0)).toBe(true);
});
