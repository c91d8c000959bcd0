import { EnvironmentConfig } from "./schema";

/**
 * The environments. Account ids and the VPN peer are placeholders until the accounts are
 * provisioned: replace them here (the provider refuses to run against any other account).
 */
export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = {
  dev: {
    name: "dev",
    accountId: "111111111111",
    region: "eu-west-2",
    backupRegion: "eu-west-1",
    owner: "platform-team",
    alarmEmail: "platform-alerts@medicare.example",
    logRetentionDays: 365,
    network: { vpcCidr: "10.20.0.0/16", azCount: 3, natGateways: "single" },
    onPrem: { cidr: "192.168.0.0/20", vpnPeerIp: "203.0.113.10", databasePort: 3306 },
    state: { kind: "local" },
  },
  prod: {
    name: "prod",
    accountId: "222222222222",
    region: "eu-west-2",
    backupRegion: "eu-west-1",
    owner: "platform-team",
    alarmEmail: "security-oncall@medicare.example",
    // Six years: HIPAA's documentation retention period (164.316(b)(2)).
    logRetentionDays: 2192,
    network: { vpcCidr: "10.10.0.0/16", azCount: 3, natGateways: "perAz" },
    onPrem: { cidr: "192.168.0.0/20", vpnPeerIp: "203.0.113.10", bgpAsn: 65010, databasePort: 3306 },
    state: { kind: "local" },
  },
};
