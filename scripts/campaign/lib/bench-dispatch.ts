/**
 * The dispatcher's throughput, against the local MariaDB and moto:
 *   plan      selection + token minting + message rendering (SMS and email) for every eligible
 *             patient, enqueued in memory: the database-and-CPU path the bench target is about.
 *   end-to-end  the planner into SQS and the send worker (claim, opt-out checks, SNS/SES, record)
 *             at the same time, for 10,000 patients: bounded by the emulator, not by our code.
 *             SQS delivers at least once: a request received twice (its visibility timeout ran
 *             out while the worker was busy) is handled twice, harmlessly (the claim makes the
 *             second a no-op), so the check is that every invitation was handled, and the
 *             redeliveries are counted, not that handled == enqueued.
 */
import { InMemorySendQueue, PLAN_DEFAULTS, planCampaign } from "../../../functions/campaign/dispatch";
import { createCampaign, freshDatabase, LOCAL_MESSAGING, LOCAL_PLAN_PAGE_SIZE, localAws, planAndSend } from "./local-campaign";
import { ensureLocalServices, stopLocalServices } from "../../dev/lib/services";
import { seedPatients } from "./synthetic-patients";

export interface DispatchBench {
  readonly planPatients: number;
  readonly planInvitations: number;
  readonly planSeconds: number;
  readonly planPatientsPerSecond: number;
  readonly endToEndPatients: number;
  readonly endToEndSeconds: number;
  readonly endToEndPatientsPerSecond: number;
  readonly sends: number;
  /** Send requests SQS delivered more than once (handled again, sending nothing). */
  readonly redeliveries: number;
}

export async function runDispatchBench(print: (header: string[], rows: string[][]) => void, options = { planPatients: 150_000, endToEndPatients: 10_000 }): Promise<DispatchBench> {
  const services = await ensureLocalServices("bench", (line) => process.stderr.write(`${line}\n`));
  try {
    // Plan: a campaign of options.planPatients patients, 75% with the condition.
    const pool = await freshDatabase(services, "medicare_bench_plan");
    await seedPatients(pool, { patients: options.planPatients, conditionShare: 0.75, seed: 1 });
    const campaignId = await createCampaign(pool, { name: "bench" });
    const queue = new InMemorySendQueue({ messaging: LOCAL_MESSAGING, keep: false });
    const planStarted = process.hrtime.bigint();
    const plan = await planCampaign({ pool, queue }, campaignId, PLAN_DEFAULTS);
    const planSeconds = Number(process.hrtime.bigint() - planStarted) / 1e9;
    await pool.end();
    if (queue.rendered !== plan.invitations) throw new Error(`rendered ${queue.rendered} messages for ${plan.invitations} invitations`);
    const eligible = plan.invitations + plan.ineligible;

    // End to end: every patient has the condition, through SQS, SNS and SES on moto.
    const e2ePool = await freshDatabase(services, "medicare_bench_e2e");
    await seedPatients(e2ePool, { patients: options.endToEndPatients, conditionShare: 1, seed: 2 });
    const e2eCampaign = await createCampaign(e2ePool, { name: "bench-e2e" });
    const aws = await localAws(services, `bench-send-${Date.now()}`);
    const e2eStarted = process.hrtime.bigint();
    const { planned: e2ePlan, invitationsHandled, redeliveries } = await planAndSend(e2ePool, aws, { concurrency: 6 }, (queue) =>
      planCampaign({ pool: e2ePool, queue }, e2eCampaign, { pageSize: LOCAL_PLAN_PAGE_SIZE }),
    );
    const e2eSeconds = Number(process.hrtime.bigint() - e2eStarted) / 1e9;
    const [[sent]] = (await e2ePool.query("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'")) as unknown as [[{ n: number }]];
    await e2ePool.end();
    if (invitationsHandled !== e2ePlan.invitations) throw new Error(`end to end handled ${invitationsHandled} of ${e2ePlan.invitations} invitations' send requests`);

    const result: DispatchBench = {
      planPatients: eligible,
      planInvitations: plan.invitations,
      planSeconds: round(planSeconds),
      planPatientsPerSecond: Math.round(eligible / planSeconds),
      endToEndPatients: e2ePlan.invitations,
      endToEndSeconds: round(e2eSeconds),
      endToEndPatientsPerSecond: Math.round(e2ePlan.invitations / e2eSeconds),
      sends: sent.n,
      redeliveries,
    };
    print(
      ["dispatcher", "patients", "seconds", "patients/s"],
      [
        ["select + mint + render (in-memory queue)", eligible.toLocaleString("en-GB"), result.planSeconds.toFixed(2), result.planPatientsPerSecond.toLocaleString("en-GB")],
        [`end to end via SQS, SNS, SES on moto (${sent.n.toLocaleString("en-GB")} sends, ${redeliveries} redelivered)`, result.endToEndPatients.toLocaleString("en-GB"), result.endToEndSeconds.toFixed(2), result.endToEndPatientsPerSecond.toLocaleString("en-GB")],
      ],
    );
    return result;
  } finally {
    stopLocalServices("bench");
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
