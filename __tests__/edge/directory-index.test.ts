/**
 * Issue 17, item 13 (CloudFront part): published forms live at /forms/<slug>/, but an S3
 * origin has no directory index and the default root object applies only at "/". The
 * viewer-request CloudFront Function rewrites directory paths to their index.html. Its code is
 * taken from the synthesized stacks (what would deploy) and run against CloudFront's event
 * shape (cloudfront-js-2.0), in a fresh context with none of Node's globals.
 */
import { rmSync } from "fs";
import { runInNewContext } from "vm";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { SynthesizedApp, synthesize } from "../support/synth";
import { referencedResource } from "../support/refs";

type Request = { method: string; uri: string; querystring: Record<string, { value: string; multiValue?: { value: string }[] }>; headers: Record<string, { value: string }>; cookies: Record<string, unknown> };
type Response = { statusCode: number; statusDescription?: string; headers: Record<string, { value: string }> };

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize(Object.values(ENVIRONMENTS));
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

/** Every distribution's viewer-request function, per stack: [stack, function resource values]. */
function viewerRequestFunctions(): [string, Record<string, any>][] {
  const distributions = app.resources("aws_cloudfront_distribution");
  expect(distributions.length).toBeGreaterThanOrEqual(2);
  return distributions.map((d) => {
    const behaviors = [...d.values.default_cache_behavior ? [d.values.default_cache_behavior] : [], ...(d.values.ordered_cache_behavior ?? [])];
    const associations = behaviors.flatMap((b: any) => b.function_association ?? []);
    expect(associations.map((a: any) => a.event_type)).toEqual(["viewer-request"]);
    const fn = referencedResource(app, d.stack, associations[0].function_arn);
    expect(fn?.type).toBe("aws_cloudfront_function");
    return [d.stack, fn!.values];
  });
}

function run(code: string, uri: string, querystring: Request["querystring"] = {}): Request | Response {
  const event = {
    version: "1.0",
    context: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: "viewer-request", requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==" },
    viewer: { ip: "198.51.100.11" },
    request: { method: "GET", uri, querystring, headers: { host: { value: "forms.medicare.example" }, accept: { value: "text/html" } }, cookies: {} },
  };
  // A bare context: the code may use only what CloudFront's runtime offers (no require, no process).
  return runInNewContext(`${code}\n;handler(event);`, { event });
}

test("the function runs on CloudFront's JavaScript 2.0 runtime, published, on every distribution's viewer requests", () => {
  for (const [stack, fn] of viewerRequestFunctions()) {
    expect({ stack, runtime: fn.runtime, publish: fn.publish }).toEqual({ stack, runtime: "cloudfront-js-2.0", publish: true });
    expect(fn.code).toMatch(/function handler\(event\)/);
  }
});

test.each([
  ["/forms/flu-consent/", "/forms/flu-consent/index.html"],
  ["/forms/flu-consent/v3/", "/forms/flu-consent/v3/index.html"],
  ["/", "/index.html"],
])("a directory path %s serves %s", (uri, rewritten) => {
  for (const [, fn] of viewerRequestFunctions()) {
    const result = run(fn.code, uri) as Request;
    expect(result.uri).toBe(rewritten);
    // Still the viewer's request: method and headers untouched.
    expect(result.method).toBe("GET");
    expect(result.headers.host.value).toBe("forms.medicare.example");
  }
});

test.each(["/forms/flu-consent/index.html", "/assets/site-0123456789abcdef.css", "/forms/flu-consent/v2/index.html", "/favicon.ico"])("a file path %s is left alone", (uri) => {
  for (const [, fn] of viewerRequestFunctions()) expect((run(fn.code, uri) as Request).uri).toBe(uri);
});

test("a directory path without its slash is redirected (301) to the slash, keeping the query", () => {
  for (const [, fn] of viewerRequestFunctions()) {
    expect(run(fn.code, "/forms/flu-consent")).toEqual({
      statusCode: 301,
      statusDescription: "Moved Permanently",
      headers: { location: { value: "/forms/flu-consent/" }, "cache-control": { value: "public, max-age=3600" } },
    });
    const withQuery = run(fn.code, "/forms/flu-consent", { lang: { value: "cy" }, a: { value: "1", multiValue: [{ value: "1" }, { value: "2" }] }, flag: { value: "" } }) as Response;
    expect(withQuery.headers.location.value).toBe("/forms/flu-consent/?lang=cy&a=1&a=2&flag");
  }
});
