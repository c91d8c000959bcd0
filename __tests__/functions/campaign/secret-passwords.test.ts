/** New database users' passwords stored in their secrets (functions/campaign/schema/secret-passwords.ts). No AWS: a recording client. */
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { secretPasswords, secretPasswordSettingsFromEnvironment } from "../../../functions/campaign/schema/secret-passwords";

const ARN = "arn:aws:secretsmanager:eu-west-2:111111111111:secret:medicare-dev-db-user-fn-campaign-web-AbCdEf";
const env = { DB_USER_SECRET_ARNS: JSON.stringify({ fn_campaign_web: ARN }), DB_CLUSTER_HOST: "aurora.cluster.internal", DB_CLUSTER_PORT: "3306", DB_NAME: "medicare" };

function recordingClient() {
  const sent: PutSecretValueCommand[] = [];
  const client = { send: async (command: PutSecretValueCommand) => void sent.push(command) } as unknown as SecretsManagerClient;
  return { client, sent };
}

it("stores a fresh random password as the user's secret, in the form the proxy and the rotation read, before returning it", async () => {
  const { client, sent } = recordingClient();
  const passwords = secretPasswords(client, secretPasswordSettingsFromEnvironment(env));
  const first = await passwords.passwordFor("fn_campaign_web");
  const second = await passwords.passwordFor("fn_campaign_web");
  expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(second).not.toBe(first);
  expect(sent).toHaveLength(2);
  expect(sent[0].input.SecretId).toBe(ARN);
  expect(JSON.parse(sent[0].input.SecretString!)).toEqual({ engine: "mysql", host: "aurora.cluster.internal", port: 3306, username: "fn_campaign_web", password: first, dbname: "medicare" });
});

it("refuses a user without a secret, and says where to add it", async () => {
  const { client, sent } = recordingClient();
  await expect(secretPasswords(client, secretPasswordSettingsFromEnvironment(env)).passwordFor("fn_unknown")).rejects.toThrow(/fn_unknown has no secret in DB_USER_SECRET_ARNS.*database-users\.ts/);
  expect(sent).toHaveLength(0);
});

it.each([
  [{ ...env, DB_USER_SECRET_ARNS: "not json" }, /JSON object of database user/],
  [{ ...env, DB_USER_SECRET_ARNS: JSON.stringify({ fn_x: "plain-password" }) }, /map each database user to a secret ARN/],
  [{ ...env, DB_CLUSTER_HOST: undefined }, /DB_CLUSTER_HOST/],
  [{ ...env, DB_CLUSTER_PORT: "0" }, /DB_CLUSTER_PORT/],
])("rejects bad configuration clearly (%#)", (bad, message) => {
  expect(() => secretPasswordSettingsFromEnvironment(bad as NodeJS.ProcessEnv)).toThrow(message);
});
