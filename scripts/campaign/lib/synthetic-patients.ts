/**
 * Synthetic patients for the demo and the bench: deterministic (a seeded generator, so two
 * runs make the same people), and unreachable by construction: mobile numbers from Ofcom's
 * drama range (07700 900000-900999) and e-mail addresses at example.org (RFC 2606).
 */
import type { Pool } from "mysql2/promise";

export const LUNG_CONDITION = "chronic-respiratory";

export interface SyntheticPopulation {
  readonly patients: number;
  /** Share of patients with the lung condition the flu campaign targets. */
  readonly conditionShare: number;
  readonly seed: number;
}

const GIVEN = ["Ada", "Ben", "Chloe", "Dev", "Ewan", "Farah", "Grace", "Harry", "Isla", "Jack", "Kiran", "Lily", "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Sofia", "Tom", "Zara"];
const FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Khan", "Lewis"];

/** mulberry32: a small, fast, seeded generator; statistical quality is irrelevant here. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Inserts the population in batches of `batchSize` (multi-row INSERTs), calling `progress`
 * after each batch. About 90% have a mobile number, 80% an e-mail address, 2% have opted out
 * of SMS and 1% of e-mail.
 */
export async function seedPatients(pool: Pool, population: SyntheticPopulation, progress: (inserted: number) => void = () => undefined, batchSize = 5000): Promise<void> {
  const random = generator(population.seed);
  for (let start = 0; start < population.patients; start += batchSize) {
    const count = Math.min(batchSize, population.patients - start);
    const patients: unknown[][] = [];
    const conditions: unknown[][] = [];
    const optOuts: unknown[][] = [];
    for (let i = 0; i < count; i++) {
      const n = start + i + 1;
      const hasPhone = random() < 0.9;
      const hasEmail = random() < 0.8 || !hasPhone;
      patients.push([
        n,
        `SYN-${String(n).padStart(7, "0")}`,
        GIVEN[Math.floor(random() * GIVEN.length)],
        FAMILY[Math.floor(random() * FAMILY.length)],
        hasPhone ? `+447700900${String(Math.floor(random() * 1000)).padStart(3, "0")}` : null,
        hasEmail ? `patient${n}@example.org` : null,
      ]);
      if (random() < population.conditionShare) conditions.push([n, LUNG_CONDITION]);
      if (hasPhone && random() < 0.02) optOuts.push([n, "sms", "patient"]);
      if (hasEmail && random() < 0.01) optOuts.push([n, "email", "patient"]);
    }
    await pool.query("INSERT INTO patients (id, external_ref, given_name, family_name, phone_e164, email) VALUES ?", [patients]);
    if (conditions.length) await pool.query("INSERT INTO patient_conditions (patient_id, condition_code) VALUES ?", [conditions]);
    if (optOuts.length) {
      await pool.query("INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES ?", [optOuts.map(([id, channel, source]) => [id, channel, new Date(), source])]);
    }
    progress(count);
  }
}
