/**
 * Following Terraform references in the synthesized JSON, within a stack
 * (`${aws_vpc.vpc_1234.id}`) and across stacks (`${data.terraform_remote_state.<input>.outputs.<output>}`,
 * which cdktf writes for a reference to another stack's resource).
 */
import { conditionValues, statementsOf } from "./policy";
import { SynthResource, SynthesizedApp } from "./synth";

/** A reference to one attribute of one resource of one stack. */
export interface ResourceRef {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
}

const LOCAL_REF = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;
const REMOTE_REF = /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\}$/;

/**
 * Resolves an attribute value that is exactly one reference, following a cross-stack
 * output to the resource it exports. Undefined for literals and anything else.
 */
export function resolveRef(app: SynthesizedApp, stack: string, value: unknown): ResourceRef | undefined {
  if (typeof value !== "string") return undefined;
  const remote = REMOTE_REF.exec(value);
  if (remote) {
    const [, input, output] = remote;
    const source = app.stacks[stack]?.data?.terraform_remote_state?.[input];
    if (!source) return undefined;
    // cdktf names the input after the stack it reads: cross-stack-reference-input-<stack>.
    const target = input.replace(/^cross-stack-reference-input-/, "");
    const exported = app.stacks[target]?.output?.[output]?.value;
    return exported === undefined ? undefined : resolveRef(app, target, exported);
  }
  const local = LOCAL_REF.exec(value);
  if (!local || local[1] === "data") return undefined;
  return { stack, type: local[1], name: local[2], attribute: local[3] };
}

/** True when `value` refers (possibly across stacks) to `attribute` of `target`. */
export function refersTo(app: SynthesizedApp, stack: string, value: unknown, target: SynthResource, attribute?: string): boolean {
  const ref = resolveRef(app, stack, value);
  return (
    ref !== undefined &&
    ref.stack === target.stack &&
    ref.type === target.type &&
    ref.name === target.name &&
    (attribute === undefined || ref.attribute === attribute)
  );
}

/** The resource a value refers to, or undefined when it refers to none of the synthesized resources. */
export function referencedResource(app: SynthesizedApp, stack: string, value: unknown): SynthResource | undefined {
  const ref = resolveRef(app, stack, value);
  if (!ref) return undefined;
  return app.resources(ref.type, ref.stack).find((r) => r.name === ref.name);
}

/** `${type.name.attribute}`, as another resource of the same stack would write it. */
export function refExpression(resource: SynthResource, attribute: string): string {
  return `\${${resource.type}.${resource.name}.${attribute}}`;
}

/**
 * Asserts that `value`, written by a resource of `stack`, resolves (across stacks too) to
 * `attribute` of `resource`; the failure shows the value and what it resolved to.
 */
export function expectRefTo(app: SynthesizedApp, stack: string, value: unknown, resource: SynthResource, attribute: string): void {
  expect({ value, ref: resolveRef(app, stack, value) }).toEqual({
    value,
    ref: { stack: resource.stack, type: resource.type, name: resource.name, attribute },
  });
}

/**
 * Asserts a ServiceRole's trust: one statement letting `service` assume the role for this
 * account (`aws:SourceAccount`) and resources matching `sourceArn`, and the boundary attached.
 */
export function expectServiceTrust(
  app: SynthesizedApp,
  role: SynthResource,
  expected: { service: string; accountId: string; sourceArn: string; boundary: SynthResource },
): void {
  const trust = statementsOf(role.values.assume_role_policy);
  expect(trust).toHaveLength(1);
  expect(trust[0]).toMatchObject({ effect: "Allow", principals: { Service: [expected.service] }, actions: ["sts:AssumeRole"] });
  expect(conditionValues(trust[0], "aws:SourceAccount", ["StringEquals"])).toEqual([expected.accountId]);
  expect(conditionValues(trust[0], "aws:SourceArn", ["ArnLike", "ArnEquals"])).toEqual([expected.sourceArn]);
  expectRefTo(app, role.stack, role.values.permissions_boundary, expected.boundary, "arn");
}
