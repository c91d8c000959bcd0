/**
 * Function bundles replace the SDK's default credential chain with the environment's
 * credentials (modules/compute/bundle.ts): what Lambda provides, and nothing it does not.
 */
import { bundledJavaScript, functionEntries } from "../../scripts/review/lib/function-bundles";
import { defaultProvider, fromNodeProviderChain } from "../../functions/lib/lambda-credentials";

const VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

test.each([
  ["clients (defaultProvider)", defaultProvider],
  ["the RDS signer (fromNodeProviderChain)", fromNodeProviderChain],
])("%s get the role's credentials from the environment", async (_, provider) => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "ASIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "session" });
  await expect(provider()()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "session" });
});

test("without credentials in the environment the provider fails, naming what is missing", async () => {
  for (const name of VARIABLES) delete process.env[name];
  await expect(defaultProvider()()).rejects.toThrow(/environment variable/i);
});

test.each(functionEntries())("%s carries no other credential source (SSO, shared files, processes, web identity, containers)", (entry) => {
  const js = bundledJavaScript(entry).toString("utf8");
  for (const marker of ["sso_start_url", "credential_process", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS"]) expect(js).not.toContain(marker);
});
