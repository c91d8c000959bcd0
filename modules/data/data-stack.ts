import { Construct } from "constructs";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { NetworkStack } from "../network/network-stack";
import { SecurityStack } from "../security/security-stack";

/**
 * `<env>-data`: the patient database and everything that protects, copies or moves it:
 * Aurora MySQL behind RDS Proxy, AWS Backup, the DMS migration from on-premises and the
 * daily export that the on-premises server pulls over the VPN.
 */
export class DataStack extends MedicareStack {
  constructor(scope: Construct, env: EnvironmentConfig, security: SecurityStack, network: NetworkStack) {
    super(scope, { env, component: "data", dataClassification: "phi" });
    void security;
    void network;
  }
}
