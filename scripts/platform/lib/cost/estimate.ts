/**
 * The monthly estimate of synthesized stacks: every resource of every stack is either priced by
 * its meter (scripts/platform/lib/cost/meters.ts) at the unit prices of its region's price file
 * or listed as free with the catalogue's reason; a type the catalogue does not know stops the
 * estimate ("no price for TYPE: add it to the price file"). Same stacks and price files, same
 * numbers: resources are visited in sorted order and amounts rounded only for display.
 */
import { ENVIRONMENTS } from "../../../../modules/config/environments";
import { PRICING_DIR, PricingError, regionPrices, resourceCatalogue, unitPrice, usageAssumptions, UsageAssumption } from "../../../../modules/core/pricing";
import { priceVolume, PricedVolume, smsSegmentsOfRound } from "../../../../functions/campaign/cost";
import { Charge, CostResource, MeterContext, MeterError, METERS } from "./meters";

export interface CostLine {
  readonly environment: string;
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly region: string;
  readonly price: string;
  readonly unit: string;
  readonly unitUsd: number;
  readonly quantity: number;
  readonly monthlyUsd: number;
  readonly detail: string;
  readonly usage: boolean;
  readonly source: string;
}

export interface FreeGroup {
  readonly type: string;
  readonly count: number;
  readonly why: string;
}

export interface StackEstimate {
  readonly stack: string;
  readonly lines: readonly CostLine[];
  readonly free: readonly FreeGroup[];
  readonly monthlyUsd: number;
}

export interface UsedAssumption {
  readonly key: string;
  readonly value: string;
  readonly why: string;
}

export interface CampaignRunCost extends PricedVolume {
  readonly patients: number;
  readonly segmentsPerSms: number;
  readonly encoding: string;
}

export interface EnvironmentEstimate {
  readonly environment: string;
  readonly stacks: readonly StackEstimate[];
  readonly monthlyUsd: number;
  readonly monthlyGbp: number;
  readonly assumptions: readonly UsedAssumption[];
  /** One full invitation run (SMS and e-mail to every patient of campaign.patients), when the environment has a campaign config. */
  readonly campaignRun?: CampaignRunCost;
}

export interface Estimate {
  readonly environments: readonly EnvironmentEstimate[];
  readonly gbpPerUsd: number;
  readonly exchangeRateDate: string;
  readonly hoursPerMonth: number;
  /** Price files used, with their review dates. */
  readonly priceFiles: readonly { readonly file: string; readonly reviewed: string }[];
}

export class CostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CostError";
  }
}

/** `dev-network` -> `dev` */
export const environmentOf = (stack: string): string => stack.split("-")[0];

/** The region of each provider block of a stack: "aws" (default) and "aws.<alias>". */
function providerRegions(stack: string, doc: any): Map<string, string> {
  const regions = new Map<string, string>();
  const blocks = doc.provider?.aws;
  for (const block of Array.isArray(blocks) ? blocks : blocks ? [blocks] : []) {
    regions.set(block.alias ? `aws.${block.alias}` : "aws", block.region);
  }
  if (!regions.has("aws")) throw new CostError(`${stack}: no default aws provider with a region; cannot tell where its resources run`);
  return regions;
}

function resourcesOf(stack: string, doc: any): CostResource[] {
  const regions = providerRegions(stack, doc);
  const out: CostResource[] = [];
  for (const type of Object.keys(doc.resource ?? {}).sort()) {
    for (const name of Object.keys(doc.resource[type]).sort()) {
      const values = doc.resource[type][name];
      const provider = values.provider ?? "aws";
      const region = regions.get(provider);
      if (!region) throw new CostError(`${stack}/${type}.${name}: provider ${provider} is not declared in the stack`);
      out.push({ environment: environmentOf(stack), stack, type, name, address: `${stack}/${type}.${name}`, region, values });
    }
  }
  return out;
}

/** The name a resource is known by, for byName assumptions. */
const labelOf = (r: CostResource): string =>
  String(r.values.name ?? r.values.bucket ?? r.values.function_name ?? r.values.identifier ?? r.values.cluster_identifier ?? r.values.replication_instance_id ?? r.name);

function assumptionValue(a: UsageAssumption, label: string): { value: number; matched: string } {
  if (a.value !== undefined) return { value: a.value, matched: String(a.value) };
  for (const [part, value] of Object.entries(a.byName ?? {})) if (label.includes(part)) return { value, matched: `${value} for names with "${part}"` };
  return { value: a.default!, matched: `${a.default} (default)` };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Estimates every stack of `stacks` (stack name -> cdk.tf.json), grouped by environment. */
export function estimateStacks(stacks: Readonly<Record<string, any>>, pricingDir = PRICING_DIR): Estimate {
  const catalogue = resourceCatalogue(pricingDir);
  const usageFile = usageAssumptions(pricingDir);
  const hours = usageFile.hoursPerMonth;
  const regionsUsed = new Set<string>();
  const environments = [...new Set(Object.keys(stacks).map(environmentOf))].sort();
  const result: EnvironmentEstimate[] = [];
  for (const environment of environments) {
    const stackNames = Object.keys(stacks).filter((s) => environmentOf(s) === environment).sort();
    const all = stackNames.flatMap((s) => resourcesOf(s, stacks[s]));
    const assumptions = usageFile.environments[environment];
    if (!assumptions) throw new CostError(`no usage assumptions for environment ${environment}: add environments.${environment} to ${usageFile.file}`);
    const used = new Map<string, UsedAssumption>();
    const homeRegion = providerRegions(stackNames[0], stacks[stackNames[0]]).get("aws")!;
    const lookup = (key: string, label: string): number => {
      const a = assumptions[key];
      if (!a) throw new CostError(`no usage assumption ${key} for ${environment}: add environments.${environment}.${key} to ${usageFile.file}`);
      const { value, matched } = assumptionValue(a, label);
      const entry = used.get(key);
      used.set(key, { key, value: entry && !entry.value.split("; ").includes(matched) ? `${entry.value}; ${matched}` : entry?.value ?? matched, why: a.why });
      return value;
    };
    const stackEstimates: StackEstimate[] = [];
    for (const stack of stackNames) {
      const lines: CostLine[] = [];
      const free = new Map<string, FreeGroup>();
      for (const resource of all.filter((r) => r.stack === stack)) {
        const entry = catalogue.types[resource.type];
        if (!entry) throw new CostError(`no price for ${resource.type}: add it to the price file ${catalogue.file} (a meter, or "free" with the reason) (first seen at ${resource.address})`);
        if ("free" in entry) {
          const group = free.get(resource.type);
          free.set(resource.type, { type: resource.type, count: (group?.count ?? 0) + 1, why: entry.free });
          continue;
        }
        const meter = METERS[entry.meter];
        if (!meter) throw new CostError(`${catalogue.file}: ${resource.type} names meter "${entry.meter}", which scripts/platform/lib/cost/meters.ts does not define`);
        const ctx: MeterContext = {
          resource,
          hours,
          homeRegion,
          usage: (key) => lookup(key, labelOf(resource)),
          vcpus: (cls) => {
            const n = catalogue.vcpus[cls];
            if (n === undefined) throw new CostError(`no vCPU count for ${cls} (${resource.address}): add it to vcpus in ${catalogue.file}`);
            return n;
          },
          resources: (type, scope) => all.filter((r) => r.type === type && (scope === "environment" || r.stack === stack)),
        };
        let charges: Charge[];
        try {
          charges = meter(ctx);
        } catch (error) {
          if (error instanceof MeterError) throw new CostError(error.message);
          throw error;
        }
        for (const charge of charges) {
          const region = charge.region ?? resource.region;
          regionsUsed.add(region);
          const price = unitPrice(region, charge.price, `${resource.type} (${resource.address})`, pricingDir);
          lines.push({
            environment, stack, address: resource.address, type: resource.type, region, price: charge.price, unit: price.unit, unitUsd: price.usd,
            quantity: round(charge.quantity, 6), monthlyUsd: round(charge.quantity * price.usd, 6), detail: charge.detail, usage: charge.usage ?? false, source: price.source,
          });
        }
      }
      stackEstimates.push({ stack, lines, free: [...free.values()], monthlyUsd: round(lines.reduce((n, l) => n + l.monthlyUsd, 0), 6) });
    }
    const monthlyUsd = round(stackEstimates.reduce((n, s) => n + s.monthlyUsd, 0), 6);
    const campaignRun = campaignRunCost(environment, homeRegion, (key) => lookup(key, ""), usageFile.exchangeRate.gbpPerUsd, pricingDir);
    result.push({
      environment,
      stacks: stackEstimates,
      monthlyUsd,
      monthlyGbp: round(monthlyUsd * usageFile.exchangeRate.gbpPerUsd, 6),
      assumptions: [...used.values()].sort((a, b) => a.key.localeCompare(b.key)),
      campaignRun,
    });
  }
  const priceFiles = [...regionsUsed].sort().map((region) => regionPrices(region, pricingDir)).map((p) => ({ file: p.file, reviewed: p.reviewed }));
  return { environments: result, gbpPerUsd: usageFile.exchangeRate.gbpPerUsd, exchangeRateDate: usageFile.exchangeRate.date, hoursPerMonth: hours, priceFiles };
}

/** One full invitation run of the environment's campaign: every patient one SMS (as many segments as the real text takes) and one e-mail. */
function campaignRunCost(environment: string, region: string, usage: (key: string) => number, gbpPerUsd: number, pricingDir: string): CampaignRunCost | undefined {
  const config = (ENVIRONMENTS as Record<string, any>)[environment]?.campaign;
  if (!config) return undefined;
  const settings = { practiceName: config.practice.name, baseUrl: `https://${config.apiHostname}` };
  const segments = smsSegmentsOfRound(settings, 0);
  const patients = usage("campaign.patients");
  const sms = Math.round(patients * usage("campaign.withMobile"));
  const emails = Math.round(patients * usage("campaign.withEmail"));
  const prices = {
    smsSegmentUsd: unitPrice(region, "sms-segment-gb", "UK SMS", pricingDir).usd,
    emailPer1000Usd: unitPrice(region, "ses-emails-1k", "SES e-mail", pricingDir).usd,
    gbpPerUsd,
  };
  return { patients, segmentsPerSms: segments.segments, encoding: segments.encoding, ...priceVolume({ sms, smsSegments: sms * segments.segments, emails }, prices) };
}

export { PricingError };
