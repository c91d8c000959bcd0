import { TerraformAsset, AssetType } from "cdktf";
import { Construct } from "constructs";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { PolicyStatement } from "../iam/policy-document";
import { ServiceRole } from "../iam/service-role";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { encryptedDeadLetterQueue } from "../messaging/encrypted-queue";
import { KeyRing, viaService } from "../security/keys";
import { bundleFunction, FunctionBundle, NODE_RUNTIME, writeBundle } from "./bundle";
import { isReference, isSecretEnvironmentName, secretMaterialIn } from "./secret-patterns";

/** Every function runs on Graviton: cheaper per GB-second than x86 for the same code. */
export const FUNCTION_ARCHITECTURE = "arm64";

/** One egress rule of a function's security group. */
export interface FunctionEgressRule {
  /** Why the function connects there; becomes the rule's description. */
  readonly description: string;
  /** TCP port, or an inclusive range. */
  readonly port: number | { readonly from: number; readonly to: number };
  /**
   * The destination: a CIDR block, another security group, a managed prefix list (the S3
   * gateway endpoint), or `internet` (HTTPS only, through the NAT gateway) for an AWS API
   * that has no VPC endpoint; the description must say which API and why.
   */
  readonly to: { readonly cidr: string } | { readonly securityGroupId: string } | { readonly prefixListId: string } | { readonly internet: "https" };
}

/** Tag naming the function's entry file under functions/ (e.g. `functions/campaign-send/handler.ts`). */
export const SOURCE_ENTRY_TAG = "source-entry";

/**
 * The statements the construct adds for the Lambda runtime (not the function's code), by
 * statement id, with the only actions each may hold: logs, tracing, network interfaces, dead
 * letters, the success destination, the event source. Code statements may not use these ids.
 */
export const RUNTIME_GRANTS: Readonly<Record<string, readonly string[]>> = {
  WriteOwnLogGroup: ["logs:CreateLogStream", "logs:PutLogEvents"],
  SendFailedAsyncEventsToDeadLetterQueue: ["sqs:SendMessage"],
  EncryptDeadLetterMessagesThroughSqs: ["kms:GenerateDataKey", "kms:Decrypt"],
  TraceToXRay: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  FindNetworkInterfaces: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
  CreateNetworkInterfacesInOwnSubnetsAndGroup: ["ec2:CreateNetworkInterface"],
  ManageOwnNetworkInterfaces: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
  PublishAsyncResultsToSuccessDestination: ["sns:Publish"],
  EncryptSuccessDestinationMessagesThroughSns: ["kms:GenerateDataKey", "kms:Decrypt"],
  PollEventSourceQueue: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
  DecryptEventSourceMessagesThroughSqs: ["kms:Decrypt"],
};
export const RUNTIME_STATEMENT_SIDS: ReadonlySet<string> = new Set(Object.keys(RUNTIME_GRANTS));

/** An SQS queue that triggers the function (Lambda polls it with the function's role). */
export interface FunctionQueueSource {
  readonly queueArn: string;
  /** The queue's KMS key (messaging), which the poller decrypts with through SQS. */
  readonly keyArn: string;
  /** Most function instances the event source runs at once (2..1000): the cap that divides a shared rate. */
  readonly maximumConcurrency: number;
  /** @default 10 */
  readonly batchSize?: number;
}

export interface FunctionVpcPlacement {
  readonly vpc: Vpc;
  /** Subnets for the function's network interfaces (one per AZ). */
  readonly subnets: readonly Subnet[];
  /** Where the function may connect (TCP). Nothing else is allowed out: there is no default all-egress rule. */
  readonly egress: readonly FunctionEgressRule[];
}

export interface NodeFunctionProps {
  /** Name suffix: the function is `medicare-<env>-<name>`, its log group `/medicare/<env>/lambda/<name>`. */
  readonly name: string;
  readonly description: string;
  /** Entry file under functions/ that exports `handler`, e.g. `rotate-mysql-credentials/handler.ts`. */
  readonly entry: string;
  /**
   * Files packaged beside the bundle (name -> UTF-8 content), e.g. a CA certificate to trust.
   * @default none
   */
  readonly files?: Readonly<Record<string, string>>;
  /** The environment's keys: the messaging key encrypts the environment and the dead-letter queue, the logs key the log group. */
  readonly keys: KeyRing;
  /** The environment's permission boundary, carried by the function's role. */
  readonly boundary: PermissionBoundary;
  /** Concurrent executions reserved for, and capping, this function (>= 1). */
  readonly reservedConcurrency: number;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /**
   * Plain configuration. Names that announce a secret (PASSWORD, TOKEN, ...) and values that
   * hold key material are refused: secrets stay in Secrets Manager, referenced by ARN.
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** What the function's code may do, beyond logging, tracing and its network interfaces; each statement names its resources. @default none */
  readonly statements?: readonly PolicyStatement[];
  /** Runs the function in these subnets with its own security group. @default outside any VPC */
  readonly vpc?: FunctionVpcPlacement;
  /**
   * Queue for events of failed asynchronous invocations (synchronous callers, such as Secrets
   * Manager rotation, see the error themselves).
   * @default a queue of its own, encrypted with the messaging key
   */
  readonly deadLetterQueue?: SqsQueue;
  /**
   * Topic that receives the result of each successful asynchronous invocation (e.g. a
   * scheduled report telling staff it is ready). Must be encrypted with the messaging key.
   * @default none
   */
  readonly onSuccessTopicArn?: string;
  /** @default not triggered by a queue */
  readonly queueSource?: FunctionQueueSource;
}

/**
 * A Node.js Lambda function built from `functions/` at synth time, with its security fixed:
 * nodejs22.x on arm64, a deterministic package (the same source always gives the same
 * `source_code_hash`, so `plan` shows no change when nothing changed), reserved concurrency,
 * a dead-letter queue, X-Ray tracing, an environment encrypted with the messaging key and free
 * of secrets, its own KMS-encrypted log group with the environment's retention, and a role
 * with the permission boundary that grants only what the caller names plus logging, tracing
 * and (in a VPC) its network interfaces. None of these has a switch.
 */
export class NodeFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;
  readonly logGroup: EncryptedLogGroup;
  readonly deadLetterQueue: SqsQueue;
  /** The function's security group, when it runs in a VPC. */
  readonly securityGroup?: SecurityGroup;
  readonly bundle: FunctionBundle;
  /** The SQS event source mapping, when the function is triggered by a queue. */
  readonly eventSource?: LambdaEventSourceMapping;
  /** `medicare-<env>-<name>`. */
  readonly functionName: string;
  /** The function's ARN, spelled out (known before deployment, so trust and key policies can name it). */
  readonly functionArn: string;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    validateProps(this.node.path, props);
    this.functionName = stack.resourceName(props.name);
    this.functionArn = `arn:aws:lambda:${stack.region}:${stack.accountId}:function:${this.functionName}`;

    this.bundle = bundleFunction(props.entry, props.files);
    const asset = new TerraformAsset(this, "package", {
      path: writeBundle(this.bundle),
      type: AssetType.FILE,
      assetHash: this.bundle.sha256Hex,
    });

    this.logGroup = new EncryptedLogGroup(this, "log-group", { path: `lambda/${props.name}`, key: props.keys.logs });
    const logGroupArn = `${stack.logGroupArnPrefix}/medicare/${stack.env.name}/lambda/${props.name}`;

    if (props.deadLetterQueue) {
      this.deadLetterQueue = props.deadLetterQueue;
    } else {
      this.deadLetterQueue = encryptedDeadLetterQueue(this, "dead-letter-queue", stack.resourceName(props.name, "dlq"), props.keys.messaging);
    }

    const statements: PolicyStatement[] = [
      {
        sid: "WriteOwnLogGroup",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${logGroupArn}:*`],
      },
      {
        sid: "SendFailedAsyncEventsToDeadLetterQueue",
        actions: ["sqs:SendMessage"],
        resources: [this.deadLetterQueue.arn],
      },
      {
        sid: "EncryptDeadLetterMessagesThroughSqs",
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [props.keys.messaging.arn],
        conditions: viaService("sqs", props.keys.messaging),
      },
      {
        sid: "TraceToXRay",
        actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      },
    ];

    let vpcConfig: { subnetIds: string[]; securityGroupIds: string[] } | undefined;
    if (props.vpc) {
      const placement = props.vpc;
      const securityGroup = new SecurityGroup(this, "security-group", {
        name: stack.resourceName(props.name, "function"),
        description: `Lambda function ${this.functionName}: only the egress its code needs`,
        vpcId: placement.vpc.id,
        tags: { Name: stack.resourceName(props.name, "function") },
      });
      placement.egress.forEach((rule, i) => {
        const ports = typeof rule.port === "number" ? { from: rule.port, to: rule.port } : rule.port;
        new VpcSecurityGroupEgressRule(this, `egress-${i}`, {
          securityGroupId: securityGroup.id,
          description: rule.description,
          ipProtocol: "tcp",
          fromPort: ports.from,
          toPort: ports.to,
          ...egressDestination(rule.to),
        });
      });
      this.securityGroup = securityGroup;
      const ec2 = (resource: string) => `arn:aws:ec2:${stack.region}:${stack.accountId}:${resource}`;
      statements.push(
        {
          sid: "FindNetworkInterfaces",
          actions: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        },
        {
          sid: "CreateNetworkInterfacesInOwnSubnetsAndGroup",
          actions: ["ec2:CreateNetworkInterface"],
          resources: [...placement.subnets.map((s) => ec2(`subnet/${s.id}`)), ec2(`security-group/${securityGroup.id}`), ec2("network-interface/*")],
        },
        {
          sid: "ManageOwnNetworkInterfaces",
          actions: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
          resources: [ec2("network-interface/*")],
        },
      );
      vpcConfig = { subnetIds: placement.subnets.map((s) => s.id), securityGroupIds: [securityGroup.id] };
    }
    if (props.onSuccessTopicArn) {
      statements.push(
        { sid: "PublishAsyncResultsToSuccessDestination", actions: ["sns:Publish"], resources: [props.onSuccessTopicArn] },
        {
          sid: "EncryptSuccessDestinationMessagesThroughSns",
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: [props.keys.messaging.arn],
          conditions: viaService("sns", props.keys.messaging),
        },
      );
    }
    if (props.queueSource) {
      statements.push(
        { sid: "PollEventSourceQueue", actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], resources: [props.queueSource.queueArn] },
        {
          sid: "DecryptEventSourceMessagesThroughSqs",
          actions: ["kms:Decrypt"],
          resources: [props.queueSource.keyArn],
          conditions: viaService("sqs", props.keys.messaging),
        },
      );
    }
    const codeStatements = props.statements ?? [];
    for (const statement of codeStatements) {
      if (RUNTIME_STATEMENT_SIDS.has(statement.sid)) throw new Error(`${this.node.path}: statement id "${statement.sid}" is reserved for the construct's runtime grants; name the code's grant after what the code does`);
    }
    statements.push(...codeStatements);

    this.role = new ServiceRole(this, "role", {
      name: `${props.name}-function`,
      description: `Execution role of the Lambda function ${this.functionName}`,
      servicePrincipal: "lambda.amazonaws.com",
      boundary: props.boundary,
      statements,
    });

    const variables = props.environment ?? {};
    this.function = new LambdaFunction(this, "function", {
      functionName: this.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: NODE_RUNTIME,
      architectures: [FUNCTION_ARCHITECTURE],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: this.bundle.sourceCodeHash,
      memorySize: props.memoryMb ?? 256,
      timeout: props.timeoutSeconds ?? 30,
      reservedConcurrentExecutions: props.reservedConcurrency,
      kmsKeyArn: props.keys.messaging.arn,
      environment: Object.keys(variables).length > 0 ? { variables: { ...variables } } : undefined,
      tracingConfig: { mode: "Active" },
      deadLetterConfig: { targetArn: this.deadLetterQueue.arn },
      loggingConfig: {
        logFormat: "JSON",
        logGroup: this.logGroup.name,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
      vpcConfig,
      // Which code this is: the least-privilege test and the reviewer's permissions table read it.
      tags: { [SOURCE_ENTRY_TAG]: `functions/${props.entry}` },
      // Lambda checks the role's network-interface and KMS permissions when it creates the function.
      dependsOn: [this.role.policy],
    });

    if (props.onSuccessTopicArn) {
      new LambdaFunctionEventInvokeConfig(this, "async-destinations", {
        functionName: this.function.functionName,
        destinationConfig: {
          onSuccess: { destination: props.onSuccessTopicArn },
          onFailure: { destination: this.deadLetterQueue.arn },
        },
      });
    }
    if (props.queueSource) {
      this.eventSource = new LambdaEventSourceMapping(this, "queue-source", {
        eventSourceArn: props.queueSource.queueArn,
        functionName: this.function.arn,
        batchSize: props.queueSource.batchSize ?? 10,
        // Only the failed messages of a batch return to the queue (the handler reports them).
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: props.queueSource.maximumConcurrency },
        dependsOn: [this.role.policy],
      });
    }
  }

  /**
   * Lets one AWS service invoke the function, for one source resource of this account only.
   * `sourceArn` is the resource (or ARN pattern within it) that invokes.
   */
  allowInvoke(id: string, principal: string, sourceArn: string): LambdaPermission {
    const stack = MedicareStack.of(this);
    return new LambdaPermission(this, id, {
      statementId: id,
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal,
      sourceArn,
      sourceAccount: stack.accountId,
    });
  }

  get arn(): string {
    return this.function.arn;
  }
}

function validateProps(path: string, props: NodeFunctionProps): void {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(props.name)) problems.push(`name "${props.name}" must be lower-case letters, digits and dashes (<= 41 characters)`);
  if (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 1) {
    problems.push(`reservedConcurrency must be an integer >= 1 (0 would stop the function), not ${props.reservedConcurrency}`);
  }
  const memory = props.memoryMb ?? 256;
  if (!Number.isInteger(memory) || memory < 128 || memory > 10240) problems.push(`memoryMb must be 128..10240, not ${memory}`);
  const timeout = props.timeoutSeconds ?? 30;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) problems.push(`timeoutSeconds must be 1..900, not ${timeout}`);
  for (const [name, value] of Object.entries(props.environment ?? {})) {
    if (isSecretEnvironmentName(name)) {
      problems.push(`environment variable ${name} looks like it holds a secret; keep the secret in Secrets Manager and pass its ARN (e.g. ${name}_ARN)`);
    }
    const material = isReference(value) ? undefined : secretMaterialIn(value);
    if (material) problems.push(`environment variable ${name} holds ${material}; functions get secrets from Secrets Manager, never from their environment`);
  }
  if (props.vpc) {
    if (props.vpc.subnets.length === 0) problems.push("vpc.subnets is empty");
    if (props.vpc.egress.length === 0) problems.push("vpc.egress is empty: a function in a VPC needs at least the interface endpoints (443)");
    for (const rule of props.vpc.egress) {
      const ports = typeof rule.port === "number" ? { from: rule.port, to: rule.port } : rule.port;
      if (!(ports.from >= 1 && ports.to <= 65535 && ports.from <= ports.to)) problems.push(`egress "${rule.description}" has an invalid port range`);
      if ("cidr" in rule.to && (rule.to.cidr === "0.0.0.0/0" || rule.to.cidr === "::/0")) {
        problems.push(`egress "${rule.description}" goes to ${rule.to.cidr}; name the network the function talks to (or use { internet: "https" } for an AWS API without a VPC endpoint)`);
      }
      if ("internet" in rule.to && (ports.from !== 443 || ports.to !== 443)) {
        problems.push(`egress "${rule.description}" goes to the internet on ports ${ports.from}-${ports.to}; only HTTPS (443) to an AWS API may leave the VPC`);
      }
    }
  }
  const source = props.queueSource;
  if (source) {
    if (!Number.isInteger(source.maximumConcurrency) || source.maximumConcurrency < 2 || source.maximumConcurrency > 1000) {
      problems.push(`queueSource.maximumConcurrency must be 2..1000 (the SQS event source's range), not ${source.maximumConcurrency}`);
    } else if (source.maximumConcurrency > props.reservedConcurrency) {
      problems.push(`queueSource.maximumConcurrency ${source.maximumConcurrency} exceeds reservedConcurrency ${props.reservedConcurrency}; the event source would be throttled instead of capped`);
    }
    const batch = source.batchSize ?? 10;
    if (!Number.isInteger(batch) || batch < 1 || batch > 10) problems.push(`queueSource.batchSize must be 1..10 without a batching window, not ${batch}`);
  }
  if (problems.length > 0) throw new Error(`${path}: ${problems.join("; ")}`);
}

function egressDestination(to: FunctionEgressRule["to"]) {
  if ("cidr" in to) return { cidrIpv4: to.cidr };
  if ("securityGroupId" in to) return { referencedSecurityGroupId: to.securityGroupId };
  if ("prefixListId" in to) return { prefixListId: to.prefixListId };
  return { cidrIpv4: "0.0.0.0/0" };
}
