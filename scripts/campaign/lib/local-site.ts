/**
 * The patient site on this machine, as production serves it, for the browser tests and
 * `npm run campaign:preview`: two small HTTP servers on loopback.
 *   api  stands in for API Gateway: each request becomes a REST API proxy event for the real
 *        handlers (campaign-web; form-submit for POST /forms/{slug}), whose status, headers
 *        (their own CSP among them) and body go back unchanged.
 *   cdn  stands in for CloudFront in front of the forms bucket (S3 on moto): the synthesized
 *        viewer-request CloudFront Function runs on every request (directory paths ->
 *        index.html), the object is read from the bucket (403, as an OAC origin answers for a
 *        missing key), and the synthesized response headers policy adds its headers.
 * Nothing here decides a header: the API's come from the handlers, the CDN's from the
 * synthesized stack (`cdnBehaviourFromStack`).
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";
import { runInNewContext } from "vm";
import type { RestApiEvent } from "../../../functions/lib/http-event";

export interface HandlerResponse {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}
export type ApiHandler = (event: RestApiEvent) => Promise<HandlerResponse>;

/** What CloudFront does to a request and its response, read from a synthesized edge stack. */
export interface CdnBehaviour {
  /** The viewer-request CloudFront Function's code (it defines `handler(event)`). */
  readonly viewerRequestCode: string;
  /** The response headers policy's headers, as CloudFront adds them (override: replace the origin's). */
  readonly responseHeaders: Readonly<Record<string, string>>;
}

/**
 * The forms distribution's behaviour from a synthesized `<env>-edge` stack document
 * (cdktf.out/stacks/<env>-edge/cdk.tf.json): its one viewer-request function and the headers
 * of its response headers policy. Throws if the stack has no such distribution.
 */
export function cdnBehaviourFromStack(stack: any): CdnBehaviour {
  const resources = stack.resource ?? {};
  const distributions = Object.values<any>(resources.aws_cloudfront_distribution ?? {});
  if (distributions.length !== 1) throw new Error(`expected one CloudFront distribution in the edge stack, found ${distributions.length}`);
  const behaviour = distributions[0].default_cache_behavior;
  const byReference = (type: string, reference: string) => {
    const match = new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.(id|arn)\\}$`).exec(reference ?? "");
    const found = match && resources[type]?.[match[1]];
    if (!found) throw new Error(`the distribution's ${type} reference ${JSON.stringify(reference)} does not name a resource of the stack`);
    return found;
  };
  const viewerRequest = (behaviour.function_association ?? []).filter((a: any) => a.event_type === "viewer-request");
  if (viewerRequest.length !== 1) throw new Error("the distribution has no single viewer-request function");
  const fn = byReference("aws_cloudfront_function", viewerRequest[0].function_arn);
  const policy = byReference("aws_cloudfront_response_headers_policy", behaviour.response_headers_policy_id);
  const security = policy.security_headers_config;
  const headers: Record<string, string> = {};
  const hsts = security.strict_transport_security;
  if (hsts) headers["strict-transport-security"] = `max-age=${hsts.access_control_max_age_sec}${hsts.include_subdomains ? "; includeSubDomains" : ""}${hsts.preload ? "; preload" : ""}`;
  if (security.content_security_policy) headers["content-security-policy"] = security.content_security_policy.content_security_policy;
  if (security.content_type_options) headers["x-content-type-options"] = "nosniff";
  if (security.frame_options) headers["x-frame-options"] = security.frame_options.frame_option;
  if (security.referrer_policy) headers["referrer-policy"] = security.referrer_policy.referrer_policy;
  if (security.xss_protection) headers["x-xss-protection"] = `${security.xss_protection.protection ? "1" : "0"}${security.xss_protection.mode_block ? "; mode=block" : ""}`;
  for (const custom of policy.custom_headers_config?.items ?? []) headers[custom.header.toLowerCase()] = custom.value;
  return { viewerRequestCode: fn.code, responseHeaders: headers };
}

export interface LocalSiteOptions {
  /** campaign-web's handler (every API path but POST /forms/{slug}). */
  readonly web: ApiHandler;
  /** form-submit's handler (POST /forms/{slug}). */
  readonly formSubmit: ApiHandler;
  readonly forms: { readonly s3: Pick<S3Client, "send">; readonly bucket: string; readonly cdn: CdnBehaviour };
  /** Extra pages on the API server for people looking (the preview's index and report), by exact path. */
  readonly extraApiPages?: Readonly<Record<string, () => Promise<HandlerResponse>>>;
  /**
   * Changes to the CDN's headers for a plain-http preview (see campaign-preview.ts); the
   * browser tests pass none, so the browser sees exactly production's headers.
   */
  readonly adaptCdnHeaders?: (headers: Record<string, string>) => Record<string, string>;
  /** @default 0 (any free port) */
  readonly apiPort?: number;
  /** @default 0 (any free port) */
  readonly cdnPort?: number;
  /** Host to listen on. @default "127.0.0.1" */
  readonly host?: string;
}

export interface LocalSite {
  readonly apiOrigin: string;
  readonly cdnOrigin: string;
  /** Requests answered so far, per server: "api" and "cdn" (for the tests: the site really was used). */
  readonly requests: { api: number; cdn: number };
  close(): Promise<void>;
}

const FORM_SUBMIT_PATH = /^\/forms\/([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const MAX_BODY = 64 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** The REST API proxy event API Gateway would build for this request (custom domain, no base path). */
function proxyEvent(request: IncomingMessage, body: Buffer): RestApiEvent {
  const url = new URL(request.url ?? "/", "http://local");
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const [name, value] = [request.rawHeaders[i], request.rawHeaders[i + 1]];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const submit = FORM_SUBMIT_PATH.exec(url.pathname);
  const query = [...url.searchParams.keys()].length ? Object.fromEntries(url.searchParams) : null;
  return {
    resource: submit ? "/forms/{slug}" : url.pathname,
    path: url.pathname,
    httpMethod: request.method ?? "GET",
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    pathParameters: submit ? { slug: submit[1] } : null,
    // API Gateway passes a form body as text; binary media types are not configured.
    body: body.length ? body.toString("utf8") : null,
    isBase64Encoded: false,
    requestContext: { resourcePath: submit ? "/forms/{slug}" : url.pathname, httpMethod: request.method ?? "GET", path: `/live${url.pathname}`, stage: "live", identity: { sourceIp: request.socket.remoteAddress ?? "127.0.0.1" } },
  };
}

function send(response: ServerResponse, result: HandlerResponse): void {
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
  response.writeHead(result.statusCode, { ...result.headers, "content-length": String(body.length) });
  response.end(body);
}

/** Runs the CloudFront Function's code on a viewer request, as CloudFront's runtime would (a bare context). */
export function runViewerRequest(code: string, uri: string, query: URLSearchParams, host: string): { kind: "request"; uri: string } | { kind: "response"; statusCode: number; headers: Record<string, string> } {
  const querystring: Record<string, { value: string; multiValue?: { value: string }[] }> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name).map((value) => ({ value: encodeURIComponent(value) }));
    querystring[name] = values.length > 1 ? { value: values[0].value, multiValue: values } : values[0];
  }
  const event = { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "127.0.0.1" }, request: { method: "GET", uri, querystring, headers: { host: { value: host } }, cookies: {} } };
  const result = runInNewContext(`${code}\n;handler(event);`, { event }, { timeout: 1000 });
  if (typeof result?.statusCode === "number") {
    return { kind: "response", statusCode: result.statusCode, headers: Object.fromEntries(Object.entries<{ value: string }>(result.headers ?? {}).map(([name, header]) => [name, header.value])) };
  }
  return { kind: "request", uri: result.uri };
}

async function answerCdn(options: LocalSiteOptions, request: IncomingMessage): Promise<HandlerResponse> {
  const { s3, bucket, cdn } = options.forms;
  const headers = (extra: Record<string, string>) => {
    const all = { ...extra, ...cdn.responseHeaders };
    return options.adaptCdnHeaders ? options.adaptCdnHeaders(all) : all;
  };
  if (request.method !== "GET" && request.method !== "HEAD") {
    // The behaviour allows GET and HEAD only.
    return { statusCode: 403, headers: headers({ "content-type": "text/plain" }), body: "This distribution is not configured to allow the HTTP request method that was used for this request." };
  }
  const url = new URL(request.url ?? "/", "http://local");
  const viewer = runViewerRequest(cdn.viewerRequestCode, url.pathname, url.searchParams, request.headers.host ?? "localhost");
  if (viewer.kind === "response") return { statusCode: viewer.statusCode, headers: headers(viewer.headers), body: "" };
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: decodeURIComponent(viewer.uri.replace(/^\//, "")) }));
    const body = await object.Body!.transformToString();
    return {
      statusCode: 200,
      headers: headers({ "content-type": object.ContentType ?? "application/octet-stream", ...(object.CacheControl ? { "cache-control": object.CacheControl } : {}) }),
      body: request.method === "HEAD" ? "" : body,
    };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== "NoSuchKey" && name !== "NotFound") throw error;
    // An OAC origin without s3:ListBucket answers AccessDenied for a key that does not exist.
    return { statusCode: 403, headers: headers({ "content-type": "application/xml" }), body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>" };
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts both servers; `close()` stops them. */
export async function startLocalSite(options: LocalSiteOptions): Promise<LocalSite> {
  const host = options.host ?? "127.0.0.1";
  const requests = { api: 0, cdn: 0 };
  const failed = (response: ServerResponse, error: unknown) => {
    process.stderr.write(`local site: ${(error as Error).stack ?? error}\n`);
    if (!response.headersSent) send(response, { statusCode: 502, headers: { "content-type": "text/plain" }, body: "The local site failed to answer; see the terminal." });
  };
  const api = createServer((request, response) => {
    requests.api++;
    (async () => {
      const path = new URL(request.url ?? "/", "http://local").pathname;
      const extra = options.extraApiPages?.[path];
      if (extra && (request.method === "GET" || request.method === "HEAD")) return send(response, await extra());
      const event = proxyEvent(request, await readBody(request));
      const handler = request.method === "POST" && FORM_SUBMIT_PATH.test(path) ? options.formSubmit : options.web;
      send(response, await handler(event));
    })().catch((error) => failed(response, error));
  });
  const cdn = createServer((request, response) => {
    requests.cdn++;
    answerCdn(options, request)
      .then((result) => send(response, result))
      .catch((error) => failed(response, error));
  });
  const apiPort = await listen(api, options.apiPort ?? 0, host);
  const cdnPort = await listen(cdn, options.cdnPort ?? 0, host).catch(async (error) => {
    await new Promise((resolve) => api.close(resolve));
    throw error;
  });
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    apiOrigin: `http://${shown}:${apiPort}`,
    cdnOrigin: `http://${shown}:${cdnPort}`,
    requests,
    close: async () => {
      for (const server of [api, cdn]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
