/**
 * The send queue's messages and the SQS side of it, without the SNS and SES clients: the
 * planner and the reminder enqueue invitation rounds, campaign-web enqueues booking
 * confirmations, the send worker takes both. Kept apart from dispatch.ts so the public
 * function's bundle (and its derived permissions) hold the SQS client only.
 *
 * Two kinds of message:
 *   {"invitationId", "round", "token"}  send round `round` of an invitation with this link
 *                                      (the raw token travels only here, in the encrypted queue)
 *   {"confirmationId"}                 send one booking confirmation (booking_confirmations row);
 *                                      it carries no secret: the worker mints the manage link
 *                                      when it claims the row.
 */
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { parseToken } from "./tokens";

/** What one queue message asks for: send round `round` of invitation `invitationId`, with this token in the link. */
export interface SendRequest {
  readonly invitationId: number;
  readonly round: number;
  /** The raw token: only here (in the encrypted queue) and in the message itself, never in the database or a log. */
  readonly token: string;
}

/** Send one booking confirmation: the `booking_confirmations` row `confirmationId` (one channel). */
export interface ConfirmationRequest {
  readonly confirmationId: number;
}

export type QueueRequest = SendRequest | ConfirmationRequest;

export const isConfirmationRequest = (request: QueueRequest): request is ConfirmationRequest => "confirmationId" in request;

/** Where send requests go. Implementations must throw unless every request was accepted. */
export interface SendQueue {
  send(requests: readonly QueueRequest[]): Promise<void>;
}

export class SendQueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SendQueueError";
  }
}

/** SQS: SendMessageBatch, 10 per call; entries SQS reports as `Failed` are retried twice, then the page fails. */
export class SqsSendQueue implements SendQueue {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}

  async send(requests: readonly QueueRequest[]): Promise<void> {
    for (let start = 0; start < requests.length; start += 10) {
      let entries = requests.slice(start, start + 10).map((request, i) => ({ Id: String(i), MessageBody: serializeSendRequest(request) }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = result.Failed ?? [];
        if (failed.length === 0) break;
        if (attempt >= 3 || failed.some((f) => f.SenderFault)) {
          throw new SendQueueError(`SQS refused ${failed.length} of ${entries.length} send requests (${[...new Set(failed.map((f) => f.Code))].join(", ")}); the planner stops and the next run re-issues them with new tokens.`);
        }
        const failedIds = new Set(failed.map((f) => f.Id));
        entries = entries.filter((entry) => failedIds.has(entry.Id));
      }
    }
  }
}

export const serializeSendRequest = (request: QueueRequest): string =>
  isConfirmationRequest(request)
    ? JSON.stringify({ confirmationId: request.confirmationId })
    : JSON.stringify({ invitationId: request.invitationId, round: request.round, token: request.token });

export class MalformedSendRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedSendRequestError";
  }
}

const EXPECTED = "expected {\"invitationId\": <id>, \"round\": <n>, \"token\": <22 characters>} or {\"confirmationId\": <id>}";

function jsonObject(body: string | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body ?? "");
  } catch {
    throw new MalformedSendRequestError(`send request is not JSON; ${EXPECTED}.`);
  }
  return (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
}

const isId = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 1;

/** An invitation round's message body back into a SendRequest; anything else is a MalformedSendRequestError that says what is wrong (never echoing the body). */
export function parseSendRequest(body: string | undefined): SendRequest {
  const { invitationId, round, token } = jsonObject(body);
  if (!isId(invitationId)) throw new MalformedSendRequestError("send request has no valid invitationId (a positive integer).");
  if (typeof round !== "number" || !Number.isInteger(round) || round < 0 || round > 20) throw new MalformedSendRequestError("send request has no valid round (an integer from 0 to 20).");
  if (parseToken(token) === undefined) throw new MalformedSendRequestError("send request has no well-formed token (22 base64url characters).");
  return { invitationId, round, token: token as string };
}

/** Any message of the send queue: a confirmation (`confirmationId` alone) or an invitation round. */
export function parseQueueRequest(body: string | undefined): QueueRequest {
  const candidate = jsonObject(body);
  if (!("confirmationId" in candidate)) return parseSendRequest(body);
  const keys = Object.keys(candidate);
  if (keys.length !== 1) throw new MalformedSendRequestError(`a confirmation request has only confirmationId; ${EXPECTED}.`);
  if (!isId(candidate.confirmationId)) throw new MalformedSendRequestError("confirmation request has no valid confirmationId (a positive integer).");
  return { confirmationId: candidate.confirmationId };
}
