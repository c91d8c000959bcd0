/** The send cap and the throttling backoff, on a fake clock. */
import { backoffDelay, Clock, isThrottlingError, RateLimiter, sendWithBackoff, StillThrottledError } from "../../../functions/campaign/rate-limit";

/**
 * A clock that only moves when everyone waits: sleepers wake in time order, one at a time,
 * each after the microtasks of the previous one have run.
 */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  const waiting: { at: number; wake: () => void }[] = [];
  let driving = false;
  const drive = () => {
    if (waiting.length === 0) {
      driving = false;
      return;
    }
    waiting.sort((a, b) => a.at - b.at);
    const next = waiting.shift()!;
    now = Math.max(now, next.at);
    next.wake();
    setImmediate(drive);
  };
  return {
    sleeps,
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        sleeps.push(ms);
        waiting.push({ at: now + ms, wake });
        if (!driving) {
          driving = true;
          setImmediate(drive);
        }
      }),
  };
}

test("N sends at a cap of R per second take at least (N - 1) / R seconds, sequentially or concurrently", async () => {
  for (const concurrent of [false, true]) {
    const clock = fakeClock();
    const limiter = new RateLimiter(20, clock);
    const times: number[] = [];
    const send = async () => {
      await limiter.acquire();
      times.push(clock.now());
    };
    if (concurrent) await Promise.all(Array.from({ length: 100 }, send));
    else for (let i = 0; i < 100; i++) await send();
    expect(times).toHaveLength(100);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual((99 / 20) * 1000);
    // No two sends closer than 1/R apart.
    const sorted = [...times].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(50 - 1e-9);
  }
});

test("a rate that is not a positive number is refused", () => {
  expect(() => new RateLimiter(0)).toThrow(/positive number/);
  expect(() => new RateLimiter(Number.NaN)).toThrow(/positive number/);
});

test("backoff grows with each retry up to the maximum, and jitter keeps it within [0, cap)", () => {
  const top = (retry: number) => backoffDelay(retry, { baseMs: 100, maxMs: 5000, random: () => 0.999999 });
  expect([0, 1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 1599, 3199, 4999]);
  expect(backoffDelay(3, { baseMs: 100, random: () => 0 })).toBe(0);
});

test("throttling errors are recognised by SNS and SES codes and by HTTP 429/503; other errors are not", () => {
  const withStatus = (name: string, status: number) => Object.assign(new Error("x"), { name, $metadata: { httpStatusCode: status } });
  expect(isThrottlingError(withStatus("Throttling", 400))).toBe(true);
  expect(isThrottlingError(withStatus("ThrottlingException", 400))).toBe(true);
  expect(isThrottlingError(withStatus("MaxSendingRateExceeded", 400))).toBe(true);
  expect(isThrottlingError(withStatus("Whatever", 429))).toBe(true);
  expect(isThrottlingError(withStatus("ServiceUnavailable", 503))).toBe(true);
  expect(isThrottlingError(withStatus("InvalidParameter", 400))).toBe(false);
  expect(isThrottlingError(withStatus("InternalError", 500))).toBe(false);
  expect(isThrottlingError(undefined)).toBe(false);
});

test("sendWithBackoff retries throttled calls with growing waits and gives up with StillThrottledError", async () => {
  const clock = fakeClock();
  const throttled = Object.assign(new Error("Rate exceeded"), { name: "Throttling" });
  let calls = 0;
  const result = await sendWithBackoff(async () => {
    if (++calls < 3) throw throttled;
    return "ok";
  }, { clock, baseMs: 100, random: () => 0.5 });
  expect(result).toBe("ok");
  expect(clock.sleeps).toEqual([50, 100]);

  const clock2 = fakeClock();
  let calls2 = 0;
  await expect(sendWithBackoff(async () => {
    calls2++;
    throw throttled;
  }, { clock: clock2, retries: 3, baseMs: 100, random: () => 0.5 })).rejects.toBeInstanceOf(StillThrottledError);
  expect(calls2).toBe(4);
  expect(clock2.sleeps).toEqual([50, 100, 200]);

  const failing = sendWithBackoff(async () => {
    throw Object.assign(new Error("bad number"), { name: "InvalidParameter" });
  }, { clock: fakeClock() });
  await expect(failing).rejects.toThrow("bad number");
});

test("every attempt, retries included, takes a slot from the limiter", async () => {
  const clock = fakeClock();
  const limiter = new RateLimiter(10, clock);
  let calls = 0;
  await sendWithBackoff(async () => {
    if (++calls < 3) throw Object.assign(new Error(), { name: "Throttling" });
  }, { limiter, clock, baseMs: 1, random: () => 0 });
  expect(clock.now()).toBeGreaterThanOrEqual(200);
});
