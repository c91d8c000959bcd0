import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { MedicareStack } from "../core/medicare-stack";
import { policyJson } from "../iam/policy-document";
import { DomainKey, requireKeyOf } from "../security/keys";

/** Messages that failed are kept this long in a dead-letter queue (the SQS maximum), for inspection and redrive. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;
/** How long SQS reuses a data key before asking KMS again: fewer KMS calls, still rotated every 5 minutes. */
const DATA_KEY_REUSE_SECONDS = 300;

export interface EncryptedQueueProps {
  /** Short name: the queue is `medicare-<env>-<name>`, its dead-letter queue `...-<name>-dlq`. */
  readonly name: string;
  /** The messaging key encrypts both queues. */
  readonly key: DomainKey;
  /** At least six times the consuming function's timeout (AWS's guidance for Lambda event sources). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue (2..50). */
  readonly maxReceiveCount: number;
  /** @default 4 days */
  readonly retentionSeconds?: number;
}

/**
 * A work queue that cannot be set up insecurely or lossily: SSE-KMS with the messaging key
 * (both queues), a dead-letter queue after `maxReceiveCount` receives that only this queue may
 * redrive into, and a policy that refuses any request without TLS.
 */
export class EncryptedQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("messaging", props.key, this, "key");
    if (!Number.isInteger(props.maxReceiveCount) || props.maxReceiveCount < 2 || props.maxReceiveCount > 50) {
      throw new Error(`${this.node.path}: maxReceiveCount must be 2..50, not ${props.maxReceiveCount}`);
    }
    if (!Number.isInteger(props.visibilityTimeoutSeconds) || props.visibilityTimeoutSeconds < 1 || props.visibilityTimeoutSeconds > 43_200) {
      throw new Error(`${this.node.path}: visibilityTimeoutSeconds must be 1..43200, not ${props.visibilityTimeoutSeconds}`);
    }
    this.deadLetterQueue = encryptedDeadLetterQueue(this, "dead-letter-queue", stack.resourceName(props.name, "dlq"), props.key);
    this.queue = new SqsQueue(this, "queue", {
      name: stack.resourceName(props.name),
      kmsMasterKeyId: props.key.arn,
      kmsDataKeyReusePeriodSeconds: DATA_KEY_REUSE_SECONDS,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
      messageRetentionSeconds: props.retentionSeconds ?? 4 * 24 * 3600,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount }),
    });
    new SqsQueueRedriveAllowPolicy(this, "dead-letter-sources", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
    });
    new SqsQueuePolicy(this, "queue-tls-only", { queueUrl: this.queue.url, policy: tlsOnlyQueuePolicy(this.queue.arn) });
  }
}

/**
 * A dead-letter queue (`id` in `scope`): the messaging key, kept for the SQS maximum of 14
 * days, and a policy (`<id>-tls-only`) that refuses requests without TLS.
 */
export function encryptedDeadLetterQueue(scope: Construct, id: string, name: string, key: DomainKey): SqsQueue {
  requireKeyOf("messaging", key, scope, "key");
  const queue = new SqsQueue(scope, id, {
    name,
    kmsMasterKeyId: key.arn,
    kmsDataKeyReusePeriodSeconds: DATA_KEY_REUSE_SECONDS,
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
  });
  new SqsQueuePolicy(scope, `${id}-tls-only`, { queueUrl: queue.url, policy: tlsOnlyQueuePolicy(queue.arn) });
  return queue;
}

/** A queue policy that refuses every request made without TLS. */
export function tlsOnlyQueuePolicy(queueArn: string): string {
  return policyJson([
    {
      sid: "DenyRequestsWithoutTls",
      effect: "Deny",
      principals: { AWS: "*" },
      actions: ["sqs:*"],
      resources: [queueArn],
      conditions: { Bool: { "aws:SecureTransport": false } },
    },
  ]);
}
