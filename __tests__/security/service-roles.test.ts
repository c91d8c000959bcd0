/**
 * Every role a resource runs with is assumed by services only and serves one consumer (the
 * constructs create a role per function, schedule, state machine and service; IAM-012 judges
 * the same in Rego, with the service each consumer type must trust).
 */
import { synthesize } from "../support/synth";

const ROLE_REF = /^\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(arn|name|id|unique_id)\}$/;
/** Resources that give a role permissions rather than run with it. */
const ATTACHING = new Set(["aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment"]);
/** Many resources of these types share one role by design: one API's integrations, one plan's selections, one cluster's instances, the rules forwarding findings to one bus. */
const SHARED_BY_DESIGN = new Set(["aws_api_gateway_integration", "aws_backup_selection", "aws_rds_cluster_instance", "aws_cloudwatch_event_target"]);

function roleReferences(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string") {
    const m = ROLE_REF.exec(value);
    if (m) found.push(m[1]);
  } else if (Array.isArray(value)) value.forEach((v) => roleReferences(v, found));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (k !== "//") roleReferences(v, found);
  return found;
}

describe("service roles", () => {
  const app = synthesize();

  it.each(Object.keys(app.stacks).sort())("%s: each role a resource runs with trusts services only and serves one consumer", (stack) => {
    const resources = app.stacks[stack].resource ?? {};
    const roles = resources.aws_iam_role ?? {};
    const consumers = new Map<string, string[]>();
    for (const [type, byName] of Object.entries<any>(resources)) {
      if (ATTACHING.has(type)) continue;
      for (const [name, body] of Object.entries<any>(byName)) {
        for (const role of new Set(roleReferences(body))) consumers.set(role, [...(consumers.get(role) ?? []), `${type}.${name}`]);
      }
    }
    const problems: string[] = [];
    for (const [role, users] of consumers) {
      const statements = [JSON.parse(roles[role].assume_role_policy).Statement].flat();
      const principals = statements.filter((s: any) => s.Effect === "Allow").flatMap((s: any) => Object.keys(s.Principal ?? { "*": 1 }));
      if (principals.some((p: string) => p !== "Service")) problems.push(`${role} is trusted by ${principals.join(", ")}, not only services`);
      const types = new Set(users.map((u) => u.split(".")[0]));
      if (users.length > 1 && !(types.size === 1 && SHARED_BY_DESIGN.has([...types][0]))) problems.push(`${role} serves ${users.join(", ")}`);
    }
    if (Object.keys(roles).length > 0) expect(consumers.size).toBeGreaterThan(0); // the walk reaches the references
    expect(problems).toEqual([]);
  });
});
