/**
 * API Gateway proxy events as API Gateway builds them, for the HTTP function tests: the REST
 * API's Lambda proxy format (payload 1.0; AWS docs "Input format of a Lambda function for proxy
 * integration") and the HTTP API's payload format 2.0, with every field a real event has,
 * including the ones the functions must not rely on.
 */
import type { HttpApiV2Event, RestApiEvent } from "../../functions/lib/http-event";

export interface EventOptions {
  readonly method: string;
  /** The full path, e.g. "/i/<token>". */
  readonly path: string;
  /** The route's resource template, e.g. "/i/{token}". @default path */
  readonly resource?: string;
  readonly pathParameters?: Record<string, string>;
  /** Header names as a browser sends them (mixed case). */
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  /** The verified staff token's claims (a route with an authorizer). */
  readonly claims?: Record<string, string>;
}

const BROWSER_HEADERS = {
  Accept: "text/html,application/xhtml+xml",
  "Accept-Encoding": "gzip, deflate, br",
  Host: "book.medicare.example",
  "User-Agent": "Mozilla/5.0 (jest)",
  "X-Amzn-Trace-Id": "Root=1-5e66d96f-7491f09xmpl79d18acf3d050",
  "X-Forwarded-For": "192.0.2.10",
  "X-Forwarded-Port": "443",
  "X-Forwarded-Proto": "https",
};

/** A REST API Lambda proxy event, on the `prod` stage behind a custom domain mapped with no base path. */
export function restApiEvent(options: EventOptions): RestApiEvent {
  const headers = { ...BROWSER_HEADERS, ...options.headers };
  return {
    resource: options.resource ?? options.path,
    path: options.path,
    httpMethod: options.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      resourceId: "2gxmpl",
      resourcePath: options.resource ?? options.path,
      httpMethod: options.method,
      extendedRequestId: "JJbxmplHYosFVYQ=",
      requestTime: "10/Mar/2026:00:03:59 +0000",
      // With the stage: the functions must read `path`, never this.
      path: `/prod${options.path}`,
      accountId: "111111111111",
      protocol: "HTTP/1.1",
      stage: "prod",
      domainPrefix: "book",
      requestTimeEpoch: 1773100239000,
      requestId: "77375676-xmpl-4b79-853a-f982474efe18",
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: "192.0.2.10",
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: "Mozilla/5.0 (jest)",
        user: null,
      },
      domainName: "book.medicare.example",
      apiId: "70ixmpl4fl",
      // A Cognito user-pool authorizer puts the ID token's claims here, every value a string.
      authorizer: options.claims ? { claims: options.claims } : null,
    },
    body: options.body ?? null,
    isBase64Encoded: options.isBase64Encoded ?? false,
  } as RestApiEvent;
}

/** An HTTP API payload format 2.0 event on the `$default` stage. */
export function httpApiV2Event(options: EventOptions): HttpApiV2Event {
  return {
    version: "2.0",
    routeKey: `${options.method} ${options.resource ?? options.path}`,
    rawPath: options.path,
    rawQueryString: "",
    headers: Object.fromEntries(Object.entries({ ...BROWSER_HEADERS, ...options.headers }).map(([name, value]) => [name.toLowerCase(), value])),
    requestContext: {
      accountId: "111111111111",
      apiId: "r3pmxmplak",
      ...(options.claims ? { authorizer: { jwt: { claims: options.claims, scopes: null } } } : {}),
      domainName: "book.medicare.example",
      domainPrefix: "book",
      http: { method: options.method, path: options.path, protocol: "HTTP/1.1", sourceIp: "192.0.2.10", userAgent: "Mozilla/5.0 (jest)" },
      requestId: "JKJaXmPLvHcESHA=",
      routeKey: `${options.method} ${options.resource ?? options.path}`,
      stage: "$default",
      time: "10/Mar/2026:00:03:59 +0000",
      timeEpoch: 1773100239000,
    },
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
  } as HttpApiV2Event;
}

/** The claims of a staff ID token as a Cognito authorizer passes them (all strings). */
export const STAFF_CLAIMS: Readonly<Record<string, string>> = {
  sub: "7d8ca528-4931-4254-9273-ea5ee853f271",
  "cognito:groups": "forms-editors",
  email_verified: "true",
  iss: "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Xmpl1234",
  "cognito:username": "jane.staff",
  origin_jti: "b1a2c3d4-xmpl-4e5f-8a9b-0c1d2e3f4a5b",
  aud: "3kxmpl1lda7k0sh8mdbsuvm7o",
  event_id: "c1a2b3c4-xmpl-4d5e-9f0a-1b2c3d4e5f6a",
  token_use: "id",
  auth_time: "1773099000",
  exp: "Tue Mar 10 01:03:59 UTC 2026",
  iat: "Tue Mar 10 00:03:59 UTC 2026",
  jti: "a0b1c2d3-xmpl-4e5f-8a9b-0c1d2e3f4a5b",
  email: "jane.staff@riverside.example.org",
};
