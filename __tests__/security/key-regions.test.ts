/**
 * Every key a resource names, in its own stack or through another stack's output, is in the
 * resource's region (a replica key in the destination bucket's) and has the usage the resource
 * needs (KMS-006 judges the in-stack references in Rego; this walk also follows the
 * cross-stack outputs, which name the key's resource in the stack that holds it). Copies to
 * another region (a replication rule's replica key, a DLM cross-region copy) use a key there.
 */
import { regionOf, synthesize } from "../support/synth";

const IN_STACK = /^\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.(arn|id|key_id)\}$/;
const CROSS_STACK = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([a-z]+-[a-z-]+)\.outputs\.cross-stack-output-aws_kms_key([A-Za-z0-9_-]+?)(arn|id|key_id)\}$/;
const KEY_TYPES = new Set(["aws_kms_key", "aws_kms_alias", "aws_kms_key_policy", "aws_kms_replica_key"]);

describe("key regions and usage", () => {
  const app = synthesize();
  const regionIn = (stack: string, body: any) => regionOf(app.stacks[stack], body);

  it.each(Object.keys(app.stacks).sort())("%s: each key named is of the resource's region and usage", (stack) => {
    const problems: string[] = [];
    let named = 0;
    const resources = app.stacks[stack].resource ?? {};
    const visit = (type: string, name: string, body: any, value: unknown, path: (string | number)[]) => {
      if (Array.isArray(value)) return value.forEach((v, i) => visit(type, name, body, v, [...path, i]));
      if (value && typeof value === "object") return Object.entries(value).forEach(([k, v]) => k !== "//" && visit(type, name, body, v, [...path, k]));
      if (typeof value !== "string") return;
      const inStack = IN_STACK.exec(value);
      const cross = CROSS_STACK.exec(value);
      if (!inStack && !cross) return;
      const [keyStack, keyName] = inStack ? [stack, inStack[1]] : [cross![1], cross![2]];
      const key = app.stacks[keyStack]?.resource?.aws_kms_key?.[keyName];
      if (!key) return problems.push(`${type}.${name} ${path.join(".")}: no key ${keyStack}/${keyName}`);
      named += 1;
      let expected = regionIn(stack, body);
      if (type === "aws_route53_key_signing_key") expected = "us-east-1";
      // A Config delivery channel encrypts into its bucket, which may be another region's.
      if (type === "aws_config_delivery_channel") {
        const bucket = /^\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\./.exec(body.s3_bucket_name ?? "");
        if (bucket) expected = regionIn(stack, resources.aws_s3_bucket[bucket[1]]);
      }
      // A cross-region copy is encrypted in its target region.
      const copyRule = path.lastIndexOf("cross_region_copy_rule");
      if (copyRule >= 0) expected = path.slice(0, copyRule + 2).reduce((node: any, step) => node[step], body).target;
      if (path[path.length - 1] === "replica_kms_key_id") {
        const bucket = IN_STACK.exec(body.rule[path[1] as number].destination.bucket.replace("aws_s3_bucket", "aws_kms_key"));
        expected = regionIn(stack, resources.aws_s3_bucket[bucket![1]]);
      }
      if (regionIn(keyStack, key) !== expected) problems.push(`${type}.${name} ${path.join(".")}: key ${keyName} in ${regionIn(keyStack, key)}, resource needs ${expected}`);
      const signing = (key.key_usage ?? "ENCRYPT_DECRYPT") === "SIGN_VERIFY";
      if (signing !== (type === "aws_route53_key_signing_key")) problems.push(`${type}.${name} ${path.join(".")}: ${key.key_usage ?? "ENCRYPT_DECRYPT"} key ${keyName}`);
    };
    for (const [type, byName] of Object.entries<any>(resources)) {
      if (KEY_TYPES.has(type)) continue;
      for (const [name, body] of Object.entries<any>(byName)) visit(type, name, body, body, []);
    }
    expect(problems).toEqual([]);
    // The walk reaches the references (a stack that holds or reads no key has none to check).
    if (resources.aws_kms_key || JSON.stringify(resources).includes("cross-stack-output-aws_kms_key")) expect(named).toBeGreaterThan(0);
  });
});
