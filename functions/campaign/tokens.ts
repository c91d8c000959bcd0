/**
 * One-time invitation tokens: 128 random bits, sent to the patient as 22 base64url
 * characters inside the link; the database keeps only their SHA-256. A token that does not
 * have exactly that shape is malformed and is never looked up.
 */
import { createHash, randomBytes } from "crypto";

export const TOKEN_BYTES = 16;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface MintedToken {
  /** What goes into the link; never stored, never logged. */
  readonly token: string;
  /** SHA-256 of the token's text, as stored in invitation_tokens.token_hash. */
  readonly hash: Buffer;
}

export function mintToken(): MintedToken {
  return mintTokens(1)[0];
}

/** `count` tokens from one call to the random source: per-token calls cost a third of a planner's page. */
export function mintTokens(count: number): MintedToken[] {
  const bytes = randomBytes(TOKEN_BYTES * count);
  return Array.from({ length: count }, (_, i) => {
    const token = bytes.subarray(i * TOKEN_BYTES, (i + 1) * TOKEN_BYTES).toString("base64url");
    return { token, hash: hashToken(token) };
  });
}

export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** The token if the text has a token's shape (22 base64url characters encoding 16 bytes), otherwise undefined. */
export function parseToken(text: unknown): string | undefined {
  if (typeof text !== "string" || !TOKEN_PATTERN.test(text)) return undefined;
  // 22 characters carry 132 bits; the last character's low 2 bits must be zero for 16 bytes.
  return Buffer.from(text, "base64url").toString("base64url") === text ? text : undefined;
}

/**
 * The short opt-out code printed in an SMS (`/s/{code}`): 10 base64url characters (60 bits)
 * derived one-way from the token, so the send worker prints it from the token it already
 * carries and the code reveals nothing of the token. Only its SHA-256 is stored
 * (invitation_tokens.opt_out_hash). It can do one thing, stop messages, which is why 60 bits
 * (behind the API's rate limit) are enough where a booking link has 128.
 */
export const OPT_OUT_CODE_LENGTH = 10;
const OPT_OUT_CODE_PATTERN = /^[A-Za-z0-9_-]{10}$/;

export function optOutCodeOf(token: string): string {
  return createHash("sha256").update(`opt-out:${token}`, "utf8").digest("base64url").slice(0, OPT_OUT_CODE_LENGTH);
}

/** The code if the text has an opt-out code's shape, otherwise undefined (never looked up). */
export function parseOptOutCode(text: unknown): string | undefined {
  return typeof text === "string" && OPT_OUT_CODE_PATTERN.test(text) ? text : undefined;
}
