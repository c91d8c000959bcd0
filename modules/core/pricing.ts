/**
 * The reviewed price data in pricing/: one dated file of unit prices per region
 * (`pricing/<region>.json`, each price citing the AWS pricing page it came from), the catalogue
 * of resource types (`pricing/resource-types.json`: a meter or why it is free) and the usage
 * assumptions with the exchange rate (`pricing/usage.json`). Read by `npm run cost`
 * (scripts/platform/lib/cost/) and by the campaign stack, which hands the message prices to
 * the planner and the report. Every file is checked on load; a bad line says which and why.
 */
import { readFileSync } from "fs";
import { join, resolve } from "path";

export const PRICING_DIR = resolve(__dirname, "..", "..", "pricing");

export class PricingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PricingError";
  }
}

export interface UnitPrice {
  readonly usd: number;
  /** What one unit is: "hour", "GB-month", "1M requests", ... */
  readonly unit: string;
  /** The AWS pricing page the number comes from. */
  readonly source: string;
  /** Whether the number was read from the stored copy of that page or is the best-known public price. */
  readonly basis: string;
}

export interface RegionPrices {
  readonly region: string;
  /** When the prices were last reviewed (yyyy-mm-dd). */
  readonly reviewed: string;
  readonly file: string;
  readonly prices: Readonly<Record<string, UnitPrice>>;
}

export type TypeEntry = { readonly meter: string } | { readonly free: string };

export interface ResourceCatalogue {
  readonly reviewed: string;
  readonly file: string;
  readonly types: Readonly<Record<string, TypeEntry>>;
  readonly vcpus: Readonly<Record<string, number>>;
}

/** An assumed usage figure: one number, or numbers by a substring of the resource's name (first match wins). */
export interface UsageAssumption {
  readonly value?: number;
  readonly byName?: Readonly<Record<string, number>>;
  readonly default?: number;
  readonly why: string;
}

export interface ExchangeRate {
  readonly gbpPerUsd: number;
  readonly date: string;
  readonly source: string;
}

export interface UsageFile {
  readonly reviewed: string;
  readonly file: string;
  readonly hoursPerMonth: number;
  readonly exchangeRate: ExchangeRate;
  readonly environments: Readonly<Record<string, Readonly<Record<string, UsageAssumption>>>>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function readJson(file: string): any {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new PricingError(`${file} is missing; pricing/ needs it (see docs/cost.md)`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PricingError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function requireDate(file: string, field: string, value: unknown): string {
  if (typeof value !== "string" || !DATE.test(value)) throw new PricingError(`${file}: ${field} must be a date (yyyy-mm-dd), got ${JSON.stringify(value)}`);
  return value;
}

const cache = new Map<string, unknown>();
function cached<T>(key: string, load: () => T): T {
  if (!cache.has(key)) cache.set(key, load());
  return cache.get(key) as T;
}

/** pricing/<region>.json, checked: every price a non-negative number with a unit, an https source and its basis. */
export function regionPrices(region: string, dir = PRICING_DIR): RegionPrices {
  return cached(`${dir}:${region}`, () => {
    const file = join(dir, `${region}.json`);
    const raw = readJson(file);
    if (raw.region !== region) throw new PricingError(`${file}: region must be "${region}", got ${JSON.stringify(raw.region)}`);
    const reviewed = requireDate(file, "reviewed", raw.reviewed);
    const prices: Record<string, UnitPrice> = {};
    for (const [key, entry] of Object.entries<any>(raw.prices ?? {})) {
      if (key.startsWith("//")) continue;
      const problem =
        typeof entry?.usd !== "number" || !Number.isFinite(entry.usd) || entry.usd < 0 ? "usd must be a number >= 0"
        : typeof entry.unit !== "string" || entry.unit === "" ? "unit must say what one unit is"
        : typeof entry.source !== "string" || !entry.source.startsWith("https://") ? "source must be the https URL of the AWS pricing page"
        : typeof entry.basis !== "string" || entry.basis === "" ? "basis must say whether the number was read from the stored page or is the best-known public price"
        : undefined;
      if (problem) throw new PricingError(`${file}: prices.${key}: ${problem}`);
      prices[key] = { usd: entry.usd, unit: entry.unit, source: entry.source, basis: entry.basis };
    }
    return { region, reviewed, file, prices };
  });
}

/** pricing/resource-types.json, checked: every type has exactly a meter or a reason it is free. */
export function resourceCatalogue(dir = PRICING_DIR): ResourceCatalogue {
  return cached(`${dir}:catalogue`, () => {
    const file = join(dir, "resource-types.json");
    const raw = readJson(file);
    const reviewed = requireDate(file, "reviewed", raw.reviewed);
    const types: Record<string, TypeEntry> = {};
    for (const [type, entry] of Object.entries<any>(raw.types ?? {})) {
      const meter = typeof entry?.meter === "string" && entry.meter !== "";
      const free = typeof entry?.free === "string" && entry.free.trim() !== "";
      if (meter === free) throw new PricingError(`${file}: types.${type} needs exactly one of "meter" (how it is priced) or "free" (why it costs nothing)`);
      types[type] = meter ? { meter: entry.meter } : { free: entry.free };
    }
    const vcpus: Record<string, number> = {};
    for (const [cls, n] of Object.entries<any>(raw.vcpus ?? {})) {
      if (cls.startsWith("//")) continue;
      if (!Number.isInteger(n) || n < 1) throw new PricingError(`${file}: vcpus.${cls} must be a whole number of vCPUs`);
      vcpus[cls] = n;
    }
    return { reviewed, file, types, vcpus };
  });
}

/** pricing/usage.json, checked: a dated exchange rate and, per environment, assumptions that each say why. */
export function usageAssumptions(dir = PRICING_DIR): UsageFile {
  return cached(`${dir}:usage`, () => {
    const file = join(dir, "usage.json");
    const raw = readJson(file);
    const reviewed = requireDate(file, "reviewed", raw.reviewed);
    const rate = raw.exchangeRate;
    if (typeof rate?.gbpPerUsd !== "number" || rate.gbpPerUsd <= 0 || rate.gbpPerUsd > 10) throw new PricingError(`${file}: exchangeRate.gbpPerUsd must be GBP per USD (e.g. 0.79)`);
    requireDate(file, "exchangeRate.date", rate.date);
    if (typeof rate.source !== "string" || rate.source === "") throw new PricingError(`${file}: exchangeRate.source must say where the rate comes from`);
    if (!Number.isInteger(raw.hoursPerMonth) || raw.hoursPerMonth < 672 || raw.hoursPerMonth > 744) throw new PricingError(`${file}: hoursPerMonth must be a whole number of hours (AWS uses 730)`);
    const environments: Record<string, Record<string, UsageAssumption>> = {};
    for (const [env, assumptions] of Object.entries<any>(raw.environments ?? {})) {
      environments[env] = {};
      for (const [key, a] of Object.entries<any>(assumptions)) {
        const numbers = [a?.value, a?.default, ...Object.values(a?.byName ?? {})].filter((v) => v !== undefined);
        const shape = a?.value !== undefined ? a.byName === undefined : a?.byName !== undefined && a.default !== undefined;
        if (!shape || numbers.some((v) => typeof v !== "number" || !Number.isFinite(v) || v < 0) || typeof a.why !== "string" || a.why === "") {
          throw new PricingError(`${file}: environments.${env}.${key} needs "value" (a number >= 0), or "byName" and "default", and "why"`);
        }
        environments[env][key] = a;
      }
    }
    return { reviewed, file, hoursPerMonth: raw.hoursPerMonth, exchangeRate: rate, environments };
  });
}

/** The price of `key` in `region`; a missing one says which file to add it to. */
export function unitPrice(region: string, key: string, what: string, dir = PRICING_DIR): UnitPrice {
  const prices = regionPrices(region, dir);
  const price = prices.prices[key];
  if (!price) throw new PricingError(`no price for ${what} in ${region} ("${key}"): add it to the price file ${prices.file}`);
  return price;
}

/** The message prices the campaign functions need: UK SMS per segment and SES per 1,000, in the stack's region. */
export function messagePrices(region: string, dir = PRICING_DIR): { smsSegmentUsd: number; emailPer1000Usd: number; gbpPerUsd: number } {
  return {
    smsSegmentUsd: unitPrice(region, "sms-segment-gb", "UK SMS", dir).usd,
    emailPer1000Usd: unitPrice(region, "ses-emails-1k", "SES e-mail", dir).usd,
    gbpPerUsd: usageAssumptions(dir).exchangeRate.gbpPerUsd,
  };
}
