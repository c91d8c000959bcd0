import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { MedicareStack } from "../core/medicare-stack";
import { DomainKey, requireKeyOf } from "../security/keys";

export interface EncryptedLogGroupProps {
  /**
   * Path below `/medicare/<env>/`, e.g. `network/flow-logs`; or, for a log group whose name
   * an AWS service dictates (`/aws/rds/cluster/<cluster>/audit`, `RDSOSMetrics`), that exact
   * name as `{ awsName }`, so the group exists encrypted before the service would create it
   * without a key.
   */
  readonly path: string | { readonly awsName: string };
  /** The logs domain key; required, so a log group cannot be created unencrypted. */
  readonly key: DomainKey;
  /**
   * The AWS provider of the key's region, for a log group outside the stack's region (a log
   * group can only use a key of its own region).
   * @default the stack's provider (the key must then be in the stack's region)
   */
  readonly provider?: TerraformProvider;
}

/**
 * A CloudWatch log group encrypted with the logs key and kept for the environment's
 * retention (>= 365 days, enforced by config validation). Neither can be switched off.
 */
export class EncryptedLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("logs", props.key, this, "key (log groups)");
    if (props.provider === undefined && props.key.region !== stack.region) {
      throw new Error(`${this.node.path}: the key is in ${props.key.region}, not ${stack.region}; pass the provider of ${props.key.region} so the log group lives beside its key`);
    }
    this.logGroup = new CloudwatchLogGroup(this, "group", {
      provider: props.provider,
      name: typeof props.path === "string" ? `/medicare/${stack.env.name}/${props.path}` : props.path.awsName,
      kmsKeyId: props.key.arn,
      retentionInDays: stack.env.logRetentionDays,
    });
  }

  get arn(): string {
    return this.logGroup.arn;
  }

  get name(): string {
    return this.logGroup.name;
  }
}
