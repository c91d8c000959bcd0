import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { readFileSync } from "fs";
import { join } from "path";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { MedicareStack } from "../core/medicare-stack";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { DomainKey, requireKeyOf } from "../security/keys";
import { FORMS_BUCKET_SHORT_NAME } from "../storage/names";
import { BucketFoundation, SecureBucket } from "../storage/secure-bucket";
import { EdgeRegion } from "./edge-region";
import { PublicZone } from "./dns";
import { WebAcl } from "./waf";

/** CONTROLS.md, cdn row: TLS 1.2 with the 2021 cipher set or newer. */
export const CLOUDFRONT_TLS_POLICY = "TLSv1.2_2021";

/** HSTS for two years with subdomains, eligible for browsers' preload lists. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/**
 * The forms are static HTML with their own styles, posting to the campaign API: nothing is
 * loaded from elsewhere, no script runs, no page frames them.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'; upgrade-insecure-requests";

/**
 * The viewer-request function that gives the S3 origin directory indexes: `/forms/<slug>/`
 * serves `forms/<slug>/index.html` (the default root object applies only at `/`).
 */
export const DIRECTORY_INDEX_FUNCTION_FILE = join(__dirname, "cloudfront-functions", "directory-index.js");
export const CLOUDFRONT_FUNCTION_RUNTIME = "cloudfront-js-2.0";

/** AWS managed cache policy CachingOptimized. */
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

export interface FormsCdnProps {
  readonly hostname: string;
  readonly zone: PublicZone;
  readonly edgeRegion: EdgeRegion;
  /** ARN of the validated us-east-1 certificate of `hostname`. */
  readonly certificateArn: string;
  /** The CLOUDFRONT-scope web ACL (us-east-1). */
  readonly webAcl: WebAcl;
  /** The data key: encrypts the forms bucket (its policy lets CloudFront decrypt that bucket only). */
  readonly dataKey: DomainKey;
  readonly foundation: BucketFoundation;
}

/**
 * CloudFront for the static booking forms and patient information: a private S3 origin
 * read only through origin access control, HTTPS only with TLS 1.2_2021+, security headers
 * (HSTS, a strict CSP), the CLOUDFRONT web ACL, and access logs (standard logging v2) to an
 * encrypted log group in us-east-1.
 */
export class FormsCdn extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly bucket: SecureBucket;

  constructor(scope: Construct, id: string, props: FormsCdnProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("data", props.dataKey, this, "dataKey");
    const provider = props.edgeRegion.provider;
    const name = stack.resourceName("forms");
    let distribution: CloudfrontDistribution | undefined;

    this.bucket = new SecureBucket(this, "origin", {
      name: FORMS_BUCKET_SHORT_NAME,
      contents: "operational",
      key: props.dataKey,
      foundation: props.foundation,
      policyStatements: (bucket) => [
        {
          sid: "CloudFrontReadsThroughThisDistributionOnly",
          principals: { Service: "cloudfront.amazonaws.com" },
          actions: ["s3:GetObject"],
          resources: [`${bucket.arn}/*`],
          conditions: { StringEquals: { "aws:SourceArn": Lazy.stringValue({ produce: () => distribution!.arn }) } },
        },
      ],
    });

    const oac = new CloudfrontOriginAccessControl(this, "origin-access-control", {
      name,
      description: "CloudFront signs every request to the forms bucket",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    const headers = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name,
      comment: "HSTS, a strict content security policy and the other security headers",
      securityHeadersConfig: {
        strictTransportSecurity: { accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, includeSubdomains: true, preload: true, override: true },
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "no-referrer", override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });

    const directoryIndex = new CloudfrontFunction(this, "directory-index", {
      name: `${name}-directory-index`,
      comment: "Serves index.html for directory paths such as /forms/<slug>/",
      runtime: CLOUDFRONT_FUNCTION_RUNTIME,
      publish: true,
      code: readFileSync(DIRECTORY_INDEX_FUNCTION_FILE, "utf8"),
    });

    const originId = "forms-bucket";
    distribution = new CloudfrontDistribution(this, "distribution", {
      comment: `mediCARE ${stack.env.name} booking forms and patient information`,
      enabled: true,
      aliases: [props.hostname],
      defaultRootObject: "index.html",
      httpVersion: "http2and3",
      priceClass: "PriceClass_100",
      webAclId: props.webAcl.arn,
      origin: [{ originId, domainName: this.bucket.bucket.bucketRegionalDomainName, originAccessControlId: oac.id }],
      defaultCacheBehavior: {
        targetOriginId: originId,
        viewerProtocolPolicy: "https-only",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: CACHING_OPTIMIZED,
        responseHeadersPolicyId: headers.id,
        functionAssociation: [{ eventType: "viewer-request", functionArn: directoryIndex.arn }],
      },
      viewerCertificate: {
        acmCertificateArn: props.certificateArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: CLOUDFRONT_TLS_POLICY,
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
    });
    this.distribution = distribution;

    // Standard logging v2: source and destination in us-east-1, into an encrypted log group
    // (the legacy S3 logging needs bucket ACLs, which every bucket here has disabled).
    const logs = new EncryptedLogGroup(this, "access-logs", {
      path: { awsName: `/aws/cloudfront/${name}` },
      key: props.edgeRegion.logsKey,
      provider,
    });
    const source = new CloudwatchLogDeliverySource(this, "log-source", {
      provider,
      name: `${name}-access`,
      logType: "ACCESS_LOGS",
      resourceArn: distribution.arn,
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "log-destination", {
      provider,
      name: `${name}-access`,
      deliveryDestinationType: "CWL",
      deliveryDestinationConfiguration: [{ destinationResourceArn: logs.arn }],
    });
    new CloudwatchLogDelivery(this, "log-delivery", {
      provider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
    });

    for (const type of ["A", "AAAA"]) {
      new Route53Record(this, `alias-${type.toLowerCase()}`, {
        zoneId: props.zone.zone.zoneId,
        name: props.hostname,
        type,
        alias: { name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false },
      });
    }
  }
}
