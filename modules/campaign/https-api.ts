import { createHash } from "crypto";
import { Construct } from "constructs";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { ITerraformDependable } from "cdktf";
import { MedicareStack } from "../core/medicare-stack";
import { NodeFunction } from "../compute/lambda-function";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { DomainKey } from "../security/keys";

/** Who may call an API: patients (no sign-in; the link or session secret is the credential) or signed-in staff. */
export type ApiAudience = "public" | "staff";
/** Tag that records an API's audience; the API rules read it. */
export const API_AUDIENCE_TAG = "api-audience";
/** The only stage: one deployment per environment. */
export const STAGE_NAME = "live";

/**
 * Access log line: no path (patient links carry their token in it) and no query string, only
 * the route template (`/i/{token}`), so the logs never hold a usable link.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  time: "$context.requestTime",
  method: "$context.httpMethod",
  route: "$context.resourcePath",
  status: "$context.status",
  responseLength: "$context.responseLength",
  latencyMs: "$context.responseLatency",
  integrationStatus: "$context.integration.status",
  wafStatus: "$context.waf.status",
  authorizerError: "$context.authorizer.error",
  caller: "$context.authorizer.claims.sub",
});

export type RouteIntegration =
  | { readonly function: NodeFunction }
  | {
      /** An AWS service action called with `credentialsArn` (e.g. Step Functions StartExecution). */
      readonly service: { readonly uri: string; readonly credentialsArn: string; readonly requestTemplate: string; readonly responseTemplate?: string };
    };

export interface ApiRoute {
  readonly method: "GET" | "HEAD" | "POST";
  /** Path with `{parameter}` segments, e.g. `/i/{token}`. */
  readonly path: string;
  readonly integration: RouteIntegration;
}

export interface HttpsApiProps {
  /** Short name: the API is `medicare-<env>-<name>`. */
  readonly name: string;
  readonly description: string;
  readonly audience: ApiAudience;
  readonly routes: readonly ApiRoute[];
  /** Steady requests per second across the stage, and the burst above it. */
  readonly throttle: { readonly ratePerSecond: number; readonly burst: number };
  /** The staff user pool whose tokens the staff routes require (MFA-enforced). Required for `staff`, refused for `public`. */
  readonly staffUserPoolArn?: string;
  /** The REGIONAL web ACL every request passes. */
  readonly webAclArn: string;
  readonly logsKey: DomainKey;
  /**
   * The API's own host name (its root maps to this API's stage: API Gateway allows no other
   * mapping beside an empty base path), its certificate, and the zone for its alias records.
   */
  readonly domain: { readonly hostname: string; readonly certificateArn: string; readonly zoneId: string };
  /** Resources the account's API Gateway log role must exist before (`aws_api_gateway_account`). */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * A REST API (regional) with its security fixed: reachable only through its own custom
 * domain (the execute-api endpoint is disabled) with a TLS 1.2 policy, every request through the
 * WAF, throttled, access-logged to an encrypted log group (route templates only), traced
 * with X-Ray. A `staff` API requires a staff-pool token on every method; a `public` API
 * has no authorizer to forget. Lambda integrations get an invoke permission for their one
 * method and path only.
 */
export class HttpsApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly logGroup: EncryptedLogGroup;
  readonly domainName: ApiGatewayDomainName;

  constructor(scope: Construct, id: string, props: HttpsApiProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    validateRoutes(this.node.path, props);
    const name = stack.resourceName(props.name);
    this.api = new ApiGatewayRestApi(this, "api", {
      name,
      description: props.description,
      endpointConfiguration: { types: ["REGIONAL"] },
      // Only the custom domain (with its TLS policy, behind the WAF) answers.
      disableExecuteApiEndpoint: true,
      tags: { [API_AUDIENCE_TAG]: props.audience },
    });
    const authorizer =
      props.audience === "staff"
        ? new ApiGatewayAuthorizer(this, "staff-authorizer", {
            name: `${name}-staff-pool`,
            restApiId: this.api.id,
            type: "COGNITO_USER_POOLS",
            providerArns: [props.staffUserPoolArn!],
            identitySource: "method.request.header.Authorization",
          })
        : undefined;

    // The resource tree, one node per path prefix.
    const resources = new Map<string, { id: string }>();
    const resourceFor = (path: string): string => {
      if (path === "/") return this.api.rootResourceId;
      const existing = resources.get(path);
      if (existing) return existing.id;
      const parentPath = path.slice(0, path.lastIndexOf("/")) || "/";
      const part = path.slice(path.lastIndexOf("/") + 1);
      const resource = new ApiGatewayResource(this, `resource${path.replace(/[{}]/g, "").replace(/\//g, "-")}`, {
        restApiId: this.api.id,
        parentId: resourceFor(parentPath),
        pathPart: part,
      });
      resources.set(path, resource);
      return resource.id;
    };

    const dependables: ITerraformDependable[] = [];
    for (const route of props.routes) {
      const routeId = `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, "").replace(/\//g, "-")}`;
      const method = new ApiGatewayMethod(this, `method-${routeId}`, {
        restApiId: this.api.id,
        resourceId: resourceFor(route.path),
        httpMethod: route.method,
        authorization: authorizer ? "COGNITO_USER_POOLS" : "NONE",
        authorizerId: authorizer?.id,
      });
      dependables.push(method);
      if ("function" in route.integration) {
        const fn = route.integration.function;
        dependables.push(
          new ApiGatewayIntegration(this, `integration-${routeId}`, {
            restApiId: this.api.id,
            resourceId: method.resourceId,
            httpMethod: method.httpMethod,
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            uri: fn.function.invokeArn,
          }),
        );
        // Only this method on this path of this API's stage may invoke the function.
        const sourcePath = route.path.replace(/\{[^}]+\}/g, "*");
        fn.allowInvoke(`${props.name}-${routeId}`, "apigateway.amazonaws.com", `${this.api.executionArn}/${STAGE_NAME}/${route.method}${sourcePath}`);
      } else {
        const service = route.integration.service;
        const integration = new ApiGatewayIntegration(this, `integration-${routeId}`, {
          restApiId: this.api.id,
          resourceId: method.resourceId,
          httpMethod: method.httpMethod,
          type: "AWS",
          integrationHttpMethod: "POST",
          uri: service.uri,
          credentials: service.credentialsArn,
          passthroughBehavior: "NEVER",
          requestTemplates: { "application/json": service.requestTemplate },
        });
        const response = new ApiGatewayMethodResponse(this, `response-${routeId}`, {
          restApiId: this.api.id,
          resourceId: method.resourceId,
          httpMethod: method.httpMethod,
          statusCode: "200",
        });
        dependables.push(
          integration,
          response,
          new ApiGatewayIntegrationResponse(this, `integration-response-${routeId}`, {
            restApiId: this.api.id,
            resourceId: method.resourceId,
            httpMethod: method.httpMethod,
            statusCode: response.statusCode,
            ...(service.responseTemplate ? { responseTemplates: { "application/json": service.responseTemplate } } : {}),
            dependsOn: [integration],
          }),
        );
      }
    }

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.api.id,
      // A new deployment whenever the routes change (and only then).
      triggers: { routes: createHash("sha256").update(JSON.stringify(props.routes.map((r) => [r.method, r.path, "function" in r.integration ? r.integration.function.functionName : r.integration.service]))).digest("hex") },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: dependables,
    });
    this.logGroup = new EncryptedLogGroup(this, "access-logs", { path: `api/${props.name}/access`, key: props.logsKey });
    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName: STAGE_NAME,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: this.logGroup.arn, format: ACCESS_LOG_FORMAT },
      dependsOn: [...props.dependsOn],
    });
    new ApiGatewayMethodSettings(this, "throttling", {
      restApiId: this.api.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: {
        throttlingRateLimit: props.throttle.ratePerSecond,
        throttlingBurstLimit: props.throttle.burst,
        metricsEnabled: true,
        // Execution logs would record request bodies and paths (tokens, answers): access logs only.
        loggingLevel: "OFF",
        dataTraceEnabled: false,
      },
    });
    new Wafv2WebAclAssociation(this, "waf", { resourceArn: this.stage.arn, webAclArn: props.webAclArn });
    this.domainName = new ApiGatewayDomainName(this, "domain", {
      domainName: props.domain.hostname,
      regionalCertificateArn: props.domain.certificateArn,
      endpointConfiguration: { types: ["REGIONAL"] },
      securityPolicy: "TLS_1_2",
    });
    new ApiGatewayBasePathMapping(this, "base-path", { apiId: this.api.id, stageName: this.stage.stageName, domainName: this.domainName.domainName });
    for (const type of ["A", "AAAA"]) {
      new Route53Record(this, `alias-${type.toLowerCase()}`, {
        zoneId: props.domain.zoneId,
        name: props.domain.hostname,
        type,
        alias: { name: this.domainName.regionalDomainName, zoneId: this.domainName.regionalZoneId, evaluateTargetHealth: false },
      });
    }
  }
}

function validateRoutes(path: string, props: HttpsApiProps): void {
  const problems: string[] = [];
  if (props.audience === "staff" && !props.staffUserPoolArn) problems.push("a staff API needs staffUserPoolArn: every staff route requires a staff-pool token");
  if (props.audience === "public" && props.staffUserPoolArn) problems.push("a public API takes no user pool; put signed-in routes on the staff API");
  if (props.routes.length === 0) problems.push("routes is empty");
  const seen = new Set<string>();
  for (const route of props.routes) {
    if (!/^(\/([a-z0-9-]+|\{[a-zA-Z]+\}))+$/.test(route.path)) problems.push(`route path ${JSON.stringify(route.path)} must be /segments of lowercase letters, digits, dashes or {parameter}`);
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) problems.push(`route ${key} is listed twice`);
    seen.add(key);
  }
  const { ratePerSecond, burst } = props.throttle;
  if (!(ratePerSecond > 0 && ratePerSecond <= 10_000 && Number.isInteger(burst) && burst >= 1 && burst <= 5_000)) problems.push(`throttle must be 0 < ratePerSecond <= 10000 and 1 <= burst <= 5000, not ${ratePerSecond}/${burst}`);
  if (problems.length > 0) throw new Error(`${path}: ${problems.join("; ")}`);
}
