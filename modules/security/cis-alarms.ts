import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { MedicareStack } from "../core/medicare-stack";
import { PolicyStatement, policyJson } from "../iam/policy-document";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { DomainKey, requireKeyOf } from "./keys";

/** One CIS AWS Foundations Benchmark monitoring control: a metric filter on the trail and its alarm. */
export interface CisMonitor {
  /** Metric and alarm name suffix. */
  readonly id: string;
  /** CIS AWS Foundations Benchmark v1.4/v3.0 control ("4.x" in 1.4, "4.x" in 3.0). */
  readonly control: string;
  readonly description: string;
  /** CloudWatch Logs filter pattern over CloudTrail events. */
  readonly pattern: string;
}

const anyEvent = (names: readonly string[]) => names.map((n) => `($.eventName = ${n})`).join(" || ");

/**
 * The CIS 4.x monitors the issue lists, with the benchmark's filter patterns (the
 * unauthorized-call pattern groups its ORs, which the benchmark's text leaves ambiguous).
 */
export const CIS_MONITORS: readonly CisMonitor[] = [
  {
    id: "unauthorized-api-calls",
    control: "4.1",
    description: "API calls denied for lack of permission",
    pattern: `{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`,
  },
  {
    id: "console-sign-in-without-mfa",
    control: "4.2",
    description: "Console sign-in of an IAM user without MFA",
    pattern: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
  },
  {
    id: "root-account-use",
    control: "4.3",
    description: "The root user made a request",
    pattern: `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
  },
  {
    id: "iam-policy-changes",
    control: "4.4",
    description: "An IAM policy was created, changed, attached or detached",
    pattern: `{ ($.eventSource = iam.amazonaws.com) && (${anyEvent([
      "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
      "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
      "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
      "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary", "UpdateAssumeRolePolicy",
    ])}) }`,
  },
  {
    id: "cloudtrail-changes",
    control: "4.5",
    description: "A trail was created, changed, stopped or deleted",
    pattern: `{ ($.eventSource = cloudtrail.amazonaws.com) && (${anyEvent(["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging", "PutEventSelectors"])}) }`,
  },
  {
    id: "kms-key-disabled-or-deleted",
    control: "4.7",
    description: "A customer-managed KMS key was disabled or scheduled for deletion",
    pattern: `{ ($.eventSource = kms.amazonaws.com) && (${anyEvent(["DisableKey", "ScheduleKeyDeletion"])}) }`,
  },
  {
    id: "s3-bucket-policy-changes",
    control: "4.8",
    description: "An S3 bucket policy, ACL, CORS, lifecycle or replication setting changed",
    pattern: `{ ($.eventSource = s3.amazonaws.com) && (${anyEvent([
      "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
      "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
    ])}) }`,
  },
  {
    id: "config-changes",
    control: "4.9",
    description: "AWS Config recording or delivery was changed or stopped",
    pattern: `{ ($.eventSource = config.amazonaws.com) && (${anyEvent(["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"])}) }`,
  },
  {
    id: "security-group-changes",
    control: "4.10",
    description: "A security group or one of its rules changed",
    pattern: `{ ${anyEvent([
      "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
      "CreateSecurityGroup", "DeleteSecurityGroup", "ModifySecurityGroupRules",
    ])} }`,
  },
  {
    id: "nacl-changes",
    control: "4.11",
    description: "A network ACL or one of its entries changed",
    pattern: `{ ${anyEvent([
      "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
    ])} }`,
  },
  {
    id: "network-gateway-changes",
    control: "4.12",
    description: "An internet or customer gateway changed",
    pattern: `{ ${anyEvent([
      "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway",
    ])} }`,
  },
  {
    id: "route-table-changes",
    control: "4.13",
    description: "A route or route table changed",
    pattern: `{ ($.eventSource = ec2.amazonaws.com) && (${anyEvent([
      "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable",
    ])}) }`,
  },
  {
    id: "vpc-changes",
    control: "4.14",
    description: "A VPC, its attributes or a peering connection changed",
    pattern: `{ ${anyEvent([
      "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
      "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
      "DisableVpcClassicLink", "EnableVpcClassicLink",
    ])} }`,
  },
];

export interface SecurityTopicProps {
  readonly name: string;
  readonly displayName: string;
  /** The customer-managed key that encrypts the topic; its policy must let CloudWatch and EventBridge publish. */
  readonly kmsKeyArn: string;
  /** The account and region of the topic: only its own alarms and rules may publish. */
  readonly accountId: string;
  readonly region: string;
  /** Whether the account's CloudWatch alarms publish to it. */
  readonly alarmsPublish: boolean;
  /** Name prefix of the EventBridge rules of the account that publish to it (findings). */
  readonly eventRulePrefix: string;
  /** The security team's address; the only subscriber. */
  readonly email: string;
  /** @default the scope's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * A security team's topic, created in `scope`: KMS-encrypted; only the account's own alarms
 * (when `alarmsPublish`) and finding rules named `eventRulePrefix*` of its region may publish,
 * and only over TLS; one e-mail subscription to the security team. The environments' security
 * stacks and the security account's organization-detection stack use it.
 */
export function securityTopic(scope: Construct, props: SecurityTopicProps): SnsTopic {
  const { accountId, region, provider } = props;
  const topic = new SnsTopic(scope, "topic", { provider, name: props.name, displayName: props.displayName, kmsMasterKeyId: props.kmsKeyArn });
  const publishers: PolicyStatement[] = [];
  if (props.alarmsPublish) {
    publishers.push({
      sid: "AlarmsOfThisAccountPublish",
      principals: { Service: "cloudwatch.amazonaws.com" },
      actions: ["sns:Publish"],
      resources: [topic.arn],
      conditions: {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` },
      },
    });
  }
  new SnsTopicPolicy(scope, "topic-policy", {
    provider,
    arn: topic.arn,
    policy: policyJson([
      ...publishers,
      {
        sid: "SecurityFindingRulesOfThisAccountPublish",
        principals: { Service: "events.amazonaws.com" },
        actions: ["sns:Publish"],
        resources: [topic.arn],
        conditions: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:aws:events:${region}:${accountId}:rule/${props.eventRulePrefix}*` },
        },
      },
      {
        sid: "DenyPublishingWithoutTls",
        effect: "Deny",
        principals: { AWS: "*" },
        actions: ["sns:Publish"],
        resources: [topic.arn],
        conditions: { Bool: { "aws:SecureTransport": false } },
      },
    ]),
  });
  new SnsTopicSubscription(scope, "security-team", { provider, topicArn: topic.arn, protocol: "email", endpoint: props.email });
  return topic;
}

export interface SecurityAlarmsProps {
  /** The trail's log group, which the metric filters read. */
  readonly trailLogGroup: EncryptedLogGroup;
  /** The messaging key, which encrypts the security topic (CloudWatch may use it to publish). */
  readonly messagingKey: DomainKey;
}

/**
 * The security team's topic (KMS-encrypted; only this account's alarms and event rules may
 * publish) with the CIS metric filters on the trail and an alarm for each, any match
 * within five minutes raising it.
 */
export class SecurityAlarms extends Construct {
  /** The topic every security alarm of the environment notifies; later stacks alarm to it too. */
  readonly topic: SnsTopic;
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** Namespace of the CIS metrics. */
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: SecurityAlarmsProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("messaging", props.messagingKey, this, "messagingKey");
    this.namespace = `medicare/${stack.env.name}/cis`;

    this.topic = securityTopic(this, {
      name: stack.resourceName("security-alarms"),
      displayName: `mediCARE ${stack.env.name} security alarms`,
      kmsKeyArn: props.messagingKey.arn,
      accountId: stack.accountId,
      region: stack.region,
      alarmsPublish: true,
      eventRulePrefix: `${stack.resourceName()}-`,
      email: stack.env.alarmEmail,
    });

    this.alarms = CIS_MONITORS.map((monitor) => {
      const metricName = monitor.id;
      new CloudwatchLogMetricFilter(this, `${monitor.id}-filter`, {
        name: stack.resourceName("cis", monitor.id),
        logGroupName: props.trailLogGroup.name,
        pattern: monitor.pattern,
        metricTransformation: { name: metricName, namespace: this.namespace, value: "1", defaultValue: "0" },
      });
      return new CloudwatchMetricAlarm(this, `${monitor.id}-alarm`, {
        alarmName: stack.resourceName("cis", monitor.id),
        alarmDescription: `CIS ${monitor.control}: ${monitor.description}`,
        namespace: this.namespace,
        metricName,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [this.topic.arn],
      });
    });
  }
}
