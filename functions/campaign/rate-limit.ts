/**
 * Pacing of sends: a messages-per-second cap shared by every send of one worker (SNS allows
 * ~20 SMS/s per account by default; SES has its own sending rate), and exponential backoff
 * with full jitter when the provider says "slow down" anyway. The cap is per worker, so the
 * account-wide rate is this cap times the queue's maximum concurrency.
 */

/** Time source and sleep, injectable so tests run on a fake clock. */
export interface Clock {
  /** Milliseconds since some fixed origin. */
  now(): number;
  sleep(milliseconds: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

/**
 * A paced scheduler: every `acquire()` reserves the next free slot, 1000/rate ms after the
 * previous one, and waits for it. Callers that run concurrently get distinct slots, so the
 * cap holds however many sends are in flight. No bursts: SNS throttles bursts too.
 */
export class RateLimiter {
  private nextSlot = Number.NEGATIVE_INFINITY;
  private readonly interval: number;

  constructor(readonly messagesPerSecond: number, private readonly clock: Clock = systemClock) {
    if (!(messagesPerSecond > 0) || !Number.isFinite(messagesPerSecond)) {
      throw new RangeError(`messagesPerSecond must be a positive number, got ${messagesPerSecond}.`);
    }
    this.interval = 1000 / messagesPerSecond;
  }

  async acquire(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.interval;
    if (slot > now) await this.clock.sleep(slot - now);
  }
}

/** Error codes and HTTP statuses by which SNS and SES say "too fast". */
const THROTTLING_CODES = new Set(["Throttling", "ThrottlingException", "MaxSendingRateExceeded", "TooManyRequestsException"]);
const THROTTLING_STATUSES = new Set([429, 503]);

export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if ([e.name, e.Code, e.code].some((code) => code !== undefined && THROTTLING_CODES.has(code))) return true;
  // SES reports MaxSendingRateExceeded as a Throttling error whose message names it.
  if (typeof e.message === "string" && /Maximum sending rate exceeded/i.test(e.message)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && THROTTLING_STATUSES.has(status);
}

export interface BackoffOptions {
  /** First retry waits up to this long (ms). @default 200 */
  readonly baseMs?: number;
  /** No retry waits longer (ms). @default 10000 */
  readonly maxMs?: number;
  /** Retries after the first attempt. @default 4 */
  readonly retries?: number;
  /** [0, 1), injectable for tests. @default Math.random */
  readonly random?: () => number;
}

/** Full jitter: uniform in [0, min(max, base * 2^retry)) (retry counts from 0). */
export function backoffDelay(retry: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 10_000;
  const random = options.random ?? Math.random;
  return Math.floor(random() * Math.min(max, base * 2 ** retry));
}

/** The provider kept throttling after every retry: nothing was sent; the caller puts the work back. */
export class StillThrottledError extends Error {
  constructor(readonly attempts: number, readonly lastError: unknown) {
    super(`still throttled after ${attempts} attempts`);
    this.name = "StillThrottledError";
  }
}

export interface SendWithBackoffOptions extends BackoffOptions {
  /** Takes a slot before every attempt; omit for calls that are not messages (e.g. the opt-out check). */
  readonly limiter?: RateLimiter;
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * Runs `send` (after taking a slot from the limiter, if any); on a throttling error waits a
 * jittered, growing delay and tries again (a throttled request was not accepted, so a retry
 * cannot duplicate). Any other error is rethrown at once: the caller decides what it means.
 */
export async function sendWithBackoff<T>(send: () => Promise<T>, options: SendWithBackoffOptions = {}): Promise<T> {
  const retries = options.retries ?? 4;
  const clock = options.clock ?? systemClock;
  for (let retry = 0; ; retry++) {
    await options.limiter?.acquire();
    try {
      return await send();
    } catch (error) {
      if (!isThrottlingError(error)) throw error;
      if (retry >= retries) throw new StillThrottledError(retry + 1, error);
      await clock.sleep(backoffDelay(retry, options));
    }
  }
}
