/**
 * API Gateway proxy events, in both formats the HTTP functions can be invoked with, read into
 * one request shape:
 *   - HTTP API, payload format 2.0: `requestContext.http.method`, `rawPath`, lower-case
 *     `headers`, JWT authorizer claims in `requestContext.authorizer.jwt.claims`;
 *   - REST API, Lambda proxy integration (payload format 1.0): `httpMethod`, `path`, `headers`
 *     as the client sent them (plus `multiValueHeaders`), Cognito user-pool authorizer claims
 *     in `requestContext.authorizer.claims`. WAF attaches to REST APIs, not to HTTP APIs.
 * The response shape (`statusCode`, `headers`, `body`, `isBase64Encoded`) is the same for both.
 *
 * Paths: a REST API's `path` is the resource path without the stage (`/i/<token>`) on the
 * execute-api endpoint and on a custom domain mapped with no base path, which is how the
 * campaign API is deployed; `requestContext.path` (with the stage) is not used.
 */

type StringMap = Readonly<Record<string, string | undefined>>;

/** An HTTP API (payload format 2.0) event: the fields read here. */
export interface HttpApiV2Event {
  readonly version?: string;
  readonly rawPath?: string;
  readonly rawQueryString?: string;
  readonly headers?: StringMap | null;
  readonly pathParameters?: StringMap | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: {
    readonly http?: { readonly method?: string; readonly path?: string; readonly sourceIp?: string };
    readonly authorizer?: { readonly jwt?: { readonly claims?: Readonly<Record<string, unknown>> } };
  };
}

/** A REST API Lambda proxy (payload format 1.0) event: the fields read here. */
export interface RestApiEvent {
  readonly resource?: string;
  readonly path?: string;
  readonly httpMethod?: string;
  readonly headers?: StringMap | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly queryStringParameters?: StringMap | null;
  readonly pathParameters?: StringMap | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: {
    readonly resourcePath?: string;
    readonly httpMethod?: string;
    readonly path?: string;
    readonly stage?: string;
    readonly identity?: { readonly sourceIp?: string };
    readonly authorizer?: { readonly claims?: Readonly<Record<string, unknown>> } | null;
  };
}

export type ApiGatewayEvent = HttpApiV2Event | RestApiEvent;

/** One request, whichever format it came in. */
export interface HttpRequest {
  readonly format: "http-api-v2" | "rest-api";
  /** Upper case. */
  readonly method: string;
  readonly path: string;
  /** Header names in lower case (the last value where a REST client sent one twice). */
  readonly headers: Readonly<Record<string, string>>;
  /** As API Gateway passed it (base64 when `isBase64Encoded`); "" when there is none. */
  readonly body: string;
  readonly isBase64Encoded: boolean;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** The staff token's claims as the route's authorizer verified them; undefined on a route without one. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

const objectOr = (value: unknown): Record<string, unknown> | undefined => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);

function stringEntries(value: unknown, lowerCaseNames: boolean): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, text] of Object.entries(objectOr(value) ?? {})) {
    if (typeof text === "string") out[lowerCaseNames ? name.toLowerCase() : name] = text;
  }
  return out;
}

/** True when the event looks like one from API Gateway (either format), well-formed or not. */
export function isApiGatewayEvent(event: unknown): boolean {
  const candidate = objectOr(event);
  return candidate !== undefined && ("requestContext" in candidate || "httpMethod" in candidate);
}

/**
 * The request an API Gateway event carries, or undefined when it has no method or no path
 * (not a proxy event; the caller answers 400).
 */
export function normalizeHttpEvent(event: unknown): HttpRequest | undefined {
  const candidate = objectOr(event);
  if (!candidate) return undefined;
  const context = objectOr(candidate.requestContext);
  const http = objectOr(context?.http);
  const authorizer = objectOr(context?.authorizer);
  let format: HttpRequest["format"];
  let method: unknown;
  let path: unknown;
  let claims: unknown;
  if (typeof http?.method === "string") {
    format = "http-api-v2";
    method = http.method;
    path = candidate.rawPath;
    claims = objectOr(authorizer?.jwt)?.claims;
  } else if (typeof candidate.httpMethod === "string") {
    format = "rest-api";
    method = candidate.httpMethod;
    path = candidate.path;
    claims = authorizer?.claims;
  } else {
    return undefined;
  }
  if (typeof method !== "string" || method === "" || typeof path !== "string" || !path.startsWith("/")) return undefined;
  const headers = stringEntries(candidate.headers, true);
  if (format === "rest-api") {
    // Only where `headers` lacks the name: a proxy event always has both, a hand-made one may not.
    for (const [name, values] of Object.entries(objectOr(candidate.multiValueHeaders) ?? {})) {
      const last = Array.isArray(values) ? values[values.length - 1] : undefined;
      if (typeof last === "string" && !(name.toLowerCase() in headers)) headers[name.toLowerCase()] = last;
    }
  }
  return {
    format,
    method: method.toUpperCase(),
    path,
    headers,
    body: typeof candidate.body === "string" ? candidate.body : "",
    isBase64Encoded: candidate.isBase64Encoded === true,
    pathParameters: stringEntries(candidate.pathParameters, false),
    ...(objectOr(claims) ? { claims: objectOr(claims) } : {}),
  };
}
