import { Aspects, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataClassification, EnvironmentConfig, StateBackendConfig } from "../config/schema";
import { RequiredTagsAspect } from "./tagging";

export interface MedicareStackProps {
  /** The environment this stack belongs to. */
  readonly env: EnvironmentConfig;
  /** Component name; the stack is called `<env>-<component>`. */
  readonly component: string;
  /** Most sensitive data the stack's resources hold or process; written to every tag set. */
  readonly dataClassification: DataClassification;
}

/**
 * A stack of the platform: one Terraform state, one AWS provider locked to the
 * environment's account, the environment's state backend and the required tags.
 */
export class MedicareStack extends TerraformStack {
  readonly env: EnvironmentConfig;
  readonly component: string;
  private backupRegionAws?: AwsProvider;

  /** The MedicareStack that contains `scope`. */
  static of(scope: Construct): MedicareStack {
    const stack = TerraformStack.of(scope);
    if (!(stack instanceof MedicareStack)) {
      throw new Error(`${scope.node.path} is not inside a MedicareStack; create it under one of the platform's stacks`);
    }
    return stack;
  }

  constructor(scope: Construct, props: MedicareStackProps) {
    super(scope, `${props.env.name}-${props.component}`);
    this.env = props.env;
    this.component = props.component;

    new AwsProvider(this, "aws", {
      region: props.env.region,
      // A dev config can never be applied to the prod account, or the reverse.
      allowedAccountIds: [props.env.accountId],
    });
    configureStateBackend(this, props.env.state);
    Aspects.of(this).add(
      new RequiredTagsAspect({
        owner: props.env.owner,
        environment: props.env.name,
        "data-classification": props.dataClassification,
        component: props.component,
      }),
    );
  }

  /**
   * The AWS provider for the environment's backup region (copies and replicas live there),
   * created on first use so stacks without backup-region resources declare no alias.
   */
  get backupRegionProvider(): AwsProvider {
    this.backupRegionAws ??= new AwsProvider(this, "aws-backup-region", {
      alias: "backup_region",
      region: this.env.backupRegion,
      allowedAccountIds: [this.env.accountId],
    });
    return this.backupRegionAws;
  }

  /** A resource name unique per environment: `medicare-<env>-<parts...>`. */
  resourceName(...parts: string[]): string {
    return ["medicare", this.env.name, ...parts].join("-");
  }

  get accountId(): string {
    return this.env.accountId;
  }

  get region(): string {
    return this.env.region;
  }

  /** ARN prefix of this account's log groups in this region (for key policies and trust conditions). */
  get logGroupArnPrefix(): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:`;
  }
}

/** Points `stack` at its state: a local file, or encrypted and locked S3 state. */
export function configureStateBackend(stack: TerraformStack, state: StateBackendConfig): void {
  if (state.kind === "local") {
    // Terraform runs in cdktf.out/stacks/<stack>/, so this is <project>/terraform.<stack>.tfstate
    // (cdktf's default place), written relative so the output does not depend on the checkout path.
    new LocalBackend(stack, { path: `../../../terraform.${stack.node.id}.tfstate` });
    return;
  }
  new S3Backend(stack, {
    bucket: state.bucket,
    key: `medicare/${stack.node.id}/terraform.tfstate`,
    region: state.region,
    encrypt: true,
    kmsKeyId: state.kmsKeyArn,
    dynamodbTable: state.lock && state.lock !== "lockfile" ? state.lock.dynamodbTable : undefined,
  });
  if (!state.lock || state.lock === "lockfile") {
    // cdktf 0.21 predates S3-native locking; the backend block accepts it all the same.
    stack.addOverride("terraform.backend.s3.use_lockfile", true);
  }
}
