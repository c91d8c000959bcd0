import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { MedicareStack } from "../core/medicare-stack";
import { PolicyStatement, policyJson } from "../iam/policy-document";
import { DomainKey, requireKeyOf } from "../security/keys";

/** An AWS service that publishes to the topic on behalf of this account's resources matching `sourceArnLike`. */
export interface TopicPublisher {
  readonly sid: string;
  readonly service: string;
  readonly sourceArnLike: string;
}

export interface EncryptedTopicProps {
  /** Short name: the topic is `medicare-<env>-<name>`. */
  readonly name: string;
  readonly displayName: string;
  /** The messaging key. */
  readonly key: DomainKey;
  /** Services allowed to publish (this account's principals publish through their IAM policies). @default none */
  readonly publishers?: readonly TopicPublisher[];
  /** Email address subscribed to the topic. @default none */
  readonly emailSubscriber?: string;
}

/**
 * An SNS topic encrypted with the messaging key whose policy admits only the named services,
 * for this account's resources, and refuses publishing without TLS. There is no way to make
 * it public: publishers are service principals with source conditions.
 */
export class EncryptedTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("messaging", props.key, this, "key");
    this.topic = new SnsTopic(this, "topic", {
      name: stack.resourceName(props.name),
      displayName: props.displayName,
      kmsMasterKeyId: props.key.arn,
    });
    const statements: PolicyStatement[] = (props.publishers ?? []).map((publisher) => ({
      sid: publisher.sid,
      principals: { Service: publisher.service },
      actions: ["sns:Publish"],
      resources: [this.topic.arn],
      conditions: {
        StringEquals: { "aws:SourceAccount": stack.accountId },
        ArnLike: { "aws:SourceArn": publisher.sourceArnLike },
      },
    }));
    statements.push({
      sid: "DenyPublishingWithoutTls",
      effect: "Deny",
      principals: { AWS: "*" },
      actions: ["sns:Publish"],
      resources: [this.topic.arn],
      conditions: { Bool: { "aws:SecureTransport": false } },
    });
    new SnsTopicPolicy(this, "policy", { arn: this.topic.arn, policy: policyJson(statements) });
    if (props.emailSubscriber) {
      new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.emailSubscriber });
    }
  }

  get arn(): string {
    return this.topic.arn;
  }
}
