/**
 * Lambda entry of the staff route `POST /campaigns/{campaignId}/outcomes` (staff API, behind the
 * Cognito staff pool's authorizer): records what a patient told the clinic outside the link.
 *
 *   body (JSON): { "patientRef": "<practice system reference>", "outcome": "booked-by-phone" | "vaccinated-elsewhere" | "declined" }
 *   200 { invitationId, outcome, previous }   recorded (reminders stop; the report counts it)
 *   400 { error }   a body, campaign id or outcome that is not one of ours: says what to send
 *   401 { error }   no verified staff identity on the request (the authorizer did not run)
 *   404 { error }   no invitation for that patient in that campaign
 *   503 { error }   the database is unavailable: nothing recorded, try again
 *
 * Logs the campaign, invitation id, outcome and staff user; never the patient reference.
 * Environment: DB_* (see functions/lib/database.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { Database } from "../campaign/booking";
import { isStaffOutcome, recordStaffOutcome } from "../campaign/outcomes";
import { STAFF_OUTCOMES } from "../campaign/redeem";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { errorLogAttributes } from "../lib/error-log";
import { ApiGatewayEvent, normalizeHttpEvent } from "../lib/http-event";

const logger = new Logger({ serviceName: "campaign-outcomes" });

export interface JsonResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
const respond = (statusCode: number, body: unknown): JsonResponse => ({ statusCode, headers: HEADERS, body: JSON.stringify(body) });
const MAX_BODY_BYTES = 2048;
const CAMPAIGN_ID = /^[1-9][0-9]{0,14}$/;
const PATIENT_REF = /^[\x21-\x7e]{1,64}$/;

export interface OutcomesDependencies {
  readonly db: Database;
  readonly now?: () => Date;
  readonly log?: Pick<Logger, "info" | "error">;
}

export function createOutcomesHandler({ db, now, log = logger }: OutcomesDependencies): (event: ApiGatewayEvent) => Promise<JsonResponse> {
  return async (event) => {
    const request = normalizeHttpEvent(event);
    if (!request || request.method !== "POST") return respond(400, { error: "Send POST /campaigns/{campaignId}/outcomes with a JSON body." });
    const staffUser = request.claims?.["cognito:username"];
    if (typeof staffUser !== "string" || staffUser === "") return respond(401, { error: "No staff identity on the request; sign in through the staff pool." });
    const campaignText = request.pathParameters.campaignId ?? "";
    if (!CAMPAIGN_ID.test(campaignText)) return respond(400, { error: `campaignId must be a campaign's number, got ${JSON.stringify(campaignText.slice(0, 20))}.` });
    const raw = request.isBase64Encoded ? Buffer.from(request.body, "base64").toString("utf8") : request.body;
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return respond(400, { error: `The body must be at most ${MAX_BODY_BYTES} bytes.` });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return respond(400, { error: 'The body must be JSON: {"patientRef": "...", "outcome": "booked-by-phone"}.' });
    }
    const { patientRef, outcome } = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const problems = [
      ...(typeof patientRef === "string" && PATIENT_REF.test(patientRef) ? [] : ["patientRef must be the patient's reference in the practice system (1 to 64 visible characters)"]),
      ...(isStaffOutcome(outcome) ? [] : [`outcome must be one of ${STAFF_OUTCOMES.join(", ")}`]),
    ];
    if (problems.length > 0) return respond(400, { error: `${problems.join("; ")}.` });
    try {
      const result = await recordStaffOutcome(db, { campaignId: Number(campaignText), patientRef: patientRef as string, staffOutcome: outcome as never, recordedBy: staffUser }, now);
      if (result.outcome === "no-invitation") {
        log.info("outcome not recorded: no invitation", { campaignId: Number(campaignText), staffUser });
        return respond(404, { error: "That patient has no invitation in this campaign; check the reference and the campaign." });
      }
      log.info("outcome recorded", { campaignId: Number(campaignText), invitationId: result.invitationId, outcome: result.staffOutcome, previous: result.previous, staffUser });
      return respond(200, { invitationId: result.invitationId, outcome: result.staffOutcome, previous: result.previous });
    } catch (error) {
      log.error("outcome failed", { campaignId: Number(campaignText), ...errorLogAttributes(error) });
      return respond(503, { error: "The outcome could not be recorded just now; nothing changed. Try again in a few minutes." });
    }
  };
}

let coldStart: ((event: ApiGatewayEvent) => Promise<JsonResponse>) | undefined;

export const handler = (event: ApiGatewayEvent): Promise<JsonResponse> => {
  coldStart ??= createOutcomesHandler({ db: createDatabasePool(databaseSettingsFromEnvironment(), 2) });
  return coldStart(event);
};
