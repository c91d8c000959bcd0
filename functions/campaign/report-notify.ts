/**
 * Publishes a report's staff notification to an SNS topic. In AWS the report function's
 * on-success destination does this with the function's return value; the demo and the
 * tests, which run the function's code directly, call this instead.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { WrittenReport } from "./report";

export const REPORT_NOTIFICATION_SUBJECT = "mediCARE campaign report ready";

export async function notifyStaff(sns: Pick<SNSClient, "send">, topicArn: string, written: WrittenReport): Promise<string | undefined> {
  const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: REPORT_NOTIFICATION_SUBJECT, Message: written.notification }));
  return published.MessageId;
}
