/**
 * Stand-in for the AWS SDK's default credential chain in function bundles (esbuild alias, see
 * modules/compute/bundle.ts), for both `@aws-sdk/credential-provider-node` (what every client
 * uses) and `@aws-sdk/credential-providers` (what the RDS signer uses).
 *
 * Lambda hands a function its role's credentials in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). The chain's other sources (SSO, shared files,
 * processes, web identity, container and instance metadata) never answer there, and loading
 * them costs ~30 ms of every cold start. Outside a bundle (tests, demo) the real chain is used.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";

type EnvInit = Parameters<typeof fromEnv>[0];

/** The provider every SDK client builds when it is given no credentials. */
export const defaultProvider = (init?: EnvInit) => fromEnv(init);

/** The provider the RDS signer builds when it is given no credentials. */
export const fromNodeProviderChain = (init?: EnvInit) => fromEnv(init);
