import { Construct } from "constructs";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { NetworkStack } from "../network/network-stack";
import { SecurityStack } from "../security/security-stack";
import { WebLoadBalancer } from "./alb";
import { AppFleet } from "./app-fleet";
import { FormsCdn } from "./cdn";
import { UserPools } from "./cognito";
import { PublicZone } from "./dns";
import { EdgeRegion } from "./edge-region";
import { Patching } from "./patching";
import { VolumeSnapshots } from "./snapshots";
import { WebAcl } from "./waf";

/**
 * `<env>-edge`: what users reach from the internet and what serves them: the public zone and
 * certificates, the staff application's load balancer (with its WAF) and instances (patched,
 * snapshotted), CloudFront for the patient forms (with its WAF, in us-east-1), and the
 * Cognito user pools of staff and patients.
 */
export class EdgeStack extends MedicareStack {
  readonly loadBalancer: WebLoadBalancer;
  readonly fleet: AppFleet;
  readonly forms: FormsCdn;
  readonly userPools: UserPools;
  /** The public zone (the campaign stack adds the API alias and the SES records). */
  readonly zone: PublicZone;
  /** Certificates of the campaign's public and staff API host names (campaign.apiHostname, staffApiHostname). */
  readonly apiCertificateArn: string;
  readonly staffApiCertificateArn: string;

  constructor(scope: Construct, env: EnvironmentConfig, security: SecurityStack, network: NetworkStack) {
    super(scope, { env, component: "edge", dataClassification: "phi" });
    const edge = env.edge;
    const edgeRegion = new EdgeRegion(this, "us-east-1");
    const patchGroup = this.resourceName("app");

    // Names and certificates (the CloudFront certificate must be in us-east-1)
    const zone = new PublicZone(this, "zone", { zoneName: edge.zoneName, edgeRegion });
    this.zone = zone;
    this.apiCertificateArn = zone.certificate("api", env.campaign.apiHostname).certificateArn;
    this.staffApiCertificateArn = zone.certificate("staff-api", env.campaign.staffApiHostname).certificateArn;
    const appCertificate = zone.certificate("app", edge.appHostname);
    const formsCertificate = zone.certificate("forms", edge.formsHostname, edgeRegion.provider);

    // The staff application: WAF -> ALB -> Auto Scaling group in the app tier
    const albAcl = new WebAcl(this, "alb-waf", {
      scope: "REGIONAL",
      name: "alb",
      rateLimitPer5Minutes: edge.rateLimitPer5Minutes,
      logsKey: security.keys.logs,
    });
    this.loadBalancer = new WebLoadBalancer(this, "alb", {
      network: network.network,
      certificateArn: appCertificate.certificateArn,
      webAcl: albAcl,
      logsKey: security.keys.logs,
      foundation: security.buckets,
    });
    for (const type of ["A", "AAAA"]) {
      new Route53Record(this, `app-alias-${type.toLowerCase()}`, {
        zoneId: zone.zone.zoneId,
        name: edge.appHostname,
        type,
        alias: { name: this.loadBalancer.loadBalancer.dnsName, zoneId: this.loadBalancer.loadBalancer.zoneId, evaluateTargetHealth: true },
      });
    }
    this.fleet = new AppFleet(this, "app-fleet", {
      config: edge.fleet,
      network: network.network,
      targetGroup: this.loadBalancer.targetGroup,
      loadBalancerSecurityGroup: this.loadBalancer.securityGroup,
      dataKey: security.keys.data,
      logsKey: security.keys.logs,
      boundary: security.workloadBoundary,
      patchGroup,
      snapshotGroup: patchGroup,
    });
    new Patching(this, "patching", { config: edge.patching, patchGroup, outputLogs: this.fleet.patchLogs });
    new VolumeSnapshots(this, "snapshots", {
      config: edge.snapshots,
      snapshotGroup: patchGroup,
      sourceKey: security.keys.data,
      copyKey: security.backupRegionKeys.backup,
      boundary: security.workloadBoundary,
    });

    // The patient site: WAF (CLOUDFRONT scope, us-east-1) -> CloudFront -> private S3
    const cdnAcl = new WebAcl(this, "cdn-waf", {
      scope: "CLOUDFRONT",
      name: "forms",
      rateLimitPer5Minutes: edge.rateLimitPer5Minutes,
      logsKey: edgeRegion.logsKey,
      provider: edgeRegion.provider,
    });
    this.forms = new FormsCdn(this, "forms-cdn", {
      hostname: edge.formsHostname,
      zone,
      edgeRegion,
      certificateArn: formsCertificate.certificateArn,
      webAcl: cdnAcl,
      dataKey: security.keys.data,
      foundation: security.buckets,
    });

    this.userPools = new UserPools(this, "cognito", {
      config: edge.cognito,
      appUrl: `https://${edge.appHostname}`,
      formsUrl: `https://${edge.formsHostname}`,
    });
  }
}
