/**
 * Issue 17, item 8, the infrastructure: SNS's SMS delivery status log groups each have one
 * subscription filter that sends every line to campaign-delivery-events, and CloudWatch Logs
 * may invoke the function for exactly those groups of this account. Over every subscription
 * filter and every logs.amazonaws.com permission of every stack, not "one matches".
 */
import { rmSync } from "fs";
import { refExpression, referencedResource, resolveRef } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
}, 180_000);
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const SMS_GROUP = /^sns\/[a-z0-9-]+\/[0-9]{12}\/DirectPublishToPhoneNumber(\/Failure)?$/;

describe.each(["dev", "prod"])("%s-campaign", (envName) => {
  const stack = `${envName}-campaign`;
  const smsGroups = () => app.resources("aws_cloudwatch_log_group", stack).filter((g) => SMS_GROUP.test(g.values.name));
  const deliveryEvents = (): SynthResource => {
    const found = app.resources("aws_lambda_function", stack).filter((f) => /campaign-delivery-events$/.test(f.values.function_name));
    expect(found).toHaveLength(1);
    return found[0];
  };

  test("both SMS delivery status groups exist (success and failure), encrypted, and each has exactly one subscription filter", () => {
    const groups = smsGroups();
    expect(groups.map((g) => g.values.name.endsWith("/Failure")).sort()).toEqual([false, true]);
    for (const group of groups) {
      // Encrypted under the logs key (the policies check which key; LOG rules).
      expect(typeof group.values.kms_key_id).toBe("string");
      const filters = app.resources("aws_cloudwatch_log_subscription_filter", stack).filter((f) => f.values.log_group_name === refExpression(group, "name"));
      expect({ group: group.values.name, filters: filters.length }).toEqual({ group: group.values.name, filters: 1 });
    }
  });

  test("every subscription filter sends every line of an SMS status group to campaign-delivery-events, after its permission exists", () => {
    const filters = app.resources("aws_cloudwatch_log_subscription_filter", stack);
    expect(filters).toHaveLength(2);
    const fn = deliveryEvents();
    for (const filter of filters) {
      const group = referencedResource(app, stack, filter.values.log_group_name);
      expect(group?.type).toBe("aws_cloudwatch_log_group");
      expect(group!.values.name).toMatch(SMS_GROUP);
      expect(filter.values.destination_arn).toBe(refExpression(fn, "arn"));
      expect(filter.values.filter_pattern).toBe("");
      // No role: a Lambda destination is invoked through the function's resource policy.
      expect(filter.values.role_arn).toBeUndefined();
      const permissions = (filter.values.depends_on as string[]).map((address) => app.resources("aws_lambda_permission", stack).find((p) => p.address === address));
      expect(permissions).toHaveLength(1);
      expect(permissions[0]?.values.source_arn).toBe(`${refExpression(group!, "arn")}:*`);
    }
  });

  test("CloudWatch Logs may invoke only campaign-delivery-events, only for the SMS status groups, only from this account", () => {
    const permissions = app.resources("aws_lambda_permission").filter((p) => p.values.principal === "logs.amazonaws.com");
    expect(permissions.filter((p) => p.stack === stack)).toHaveLength(2);
    for (const permission of permissions) {
      expect(permission.stack).toBe(permission.stack.replace(/-.*/, "") + "-campaign");
      const fn = referencedResource(app, permission.stack, permission.values.function_name);
      expect(fn?.values.function_name).toMatch(/campaign-delivery-events$/);
      expect(permission.values.action).toBe("lambda:InvokeFunction");
      expect(permission.values.source_account).toMatch(/^[0-9]{12}$/);
      const source = /^(\$\{[^}]+\}):\*$/.exec(permission.values.source_arn)?.[1];
      const group = referencedResource(app, permission.stack, source);
      expect(group?.values.name).toMatch(SMS_GROUP);
      expect(resolveRef(app, permission.stack, source)?.attribute).toBe("arn");
    }
  });
});
