/** lib/http-event.ts: REST API proxy (1.0) and HTTP API (2.0) events read into one request. No services needed. */
import { isApiGatewayEvent, normalizeHttpEvent } from "../../functions/lib/http-event";
import { httpApiV2Event, restApiEvent, STAFF_CLAIMS } from "../support/api-gateway-events";

const TOKEN = "AAAAAAAAAAAAAAAAAAAAAA";

describe("REST API (payload format 1.0)", () => {
  test("method, full path (not the staged requestContext.path), lower-case headers, path parameters", () => {
    const event = restApiEvent({ method: "GET", path: `/i/${TOKEN}`, resource: "/i/{token}", pathParameters: { token: TOKEN } });
    expect(event.requestContext?.path).toBe(`/prod/i/${TOKEN}`);
    expect(normalizeHttpEvent(event)).toEqual({
      format: "rest-api",
      method: "GET",
      path: `/i/${TOKEN}`,
      headers: {
        accept: "text/html,application/xhtml+xml",
        "accept-encoding": "gzip, deflate, br",
        host: "book.medicare.example",
        "user-agent": "Mozilla/5.0 (jest)",
        "x-amzn-trace-id": "Root=1-5e66d96f-7491f09xmpl79d18acf3d050",
        "x-forwarded-for": "192.0.2.10",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
      },
      body: "",
      isBase64Encoded: false,
      pathParameters: { token: TOKEN },
    });
  });

  test("a form POST: the body as sent, base64 flag kept, Content-Type found whatever its case", () => {
    const body = Buffer.from("session=abc&slot=1").toString("base64");
    const request = normalizeHttpEvent(restApiEvent({ method: "POST", path: "/book", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body, isBase64Encoded: true }));
    expect(request).toMatchObject({ method: "POST", path: "/book", body, isBase64Encoded: true });
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  test("the Cognito user-pool authorizer's claims are the staff identity; a public route has none", () => {
    expect(normalizeHttpEvent(restApiEvent({ method: "POST", path: "/forms", claims: { ...STAFF_CLAIMS } }))?.claims).toEqual(STAFF_CLAIMS);
    const open = normalizeHttpEvent(restApiEvent({ method: "POST", path: "/forms/flu" }));
    expect(open).toBeDefined();
    expect(open?.claims).toBeUndefined();
  });

  test("headers only in multiValueHeaders are taken (last value); headers wins where both have one", () => {
    const event = { ...restApiEvent({ method: "POST", path: "/book" }), headers: { "content-type": "text/plain" }, multiValueHeaders: { "Content-Type": ["application/json"], Cookie: ["a=1", "b=2"] } };
    expect(normalizeHttpEvent(event)?.headers).toEqual({ "content-type": "text/plain", cookie: "b=2" });
    expect(normalizeHttpEvent({ ...event, headers: null })?.headers).toEqual({ "content-type": "application/json", cookie: "b=2" });
  });

  test("a lower-case method is upper-cased; non-string header and parameter values are dropped", () => {
    const event = { ...restApiEvent({ method: "post", path: "/forms/flu" }), headers: { Host: "x", "X-Number": 5 }, multiValueHeaders: null, pathParameters: { slug: "flu", other: null } };
    expect(normalizeHttpEvent(event)).toMatchObject({ method: "POST", headers: { host: "x" }, pathParameters: { slug: "flu" } });
  });
});

describe("HTTP API (payload format 2.0)", () => {
  test("method from requestContext.http, path from rawPath, JWT authorizer claims", () => {
    const event = httpApiV2Event({ method: "POST", path: "/forms", headers: { "Content-Type": "application/json" }, body: "{}", claims: { ...STAFF_CLAIMS } });
    expect(normalizeHttpEvent(event)).toEqual({
      format: "http-api-v2",
      method: "POST",
      path: "/forms",
      headers: expect.objectContaining({ "content-type": "application/json", host: "book.medicare.example" }),
      body: "{}",
      isBase64Encoded: false,
      pathParameters: {},
      claims: STAFF_CLAIMS,
    });
  });

  test("the minimal event the earlier tests build still reads", () => {
    expect(normalizeHttpEvent({ rawPath: "/book", requestContext: { http: { method: "head" } } })).toEqual({
      format: "http-api-v2", method: "HEAD", path: "/book", headers: {}, body: "", isBase64Encoded: false, pathParameters: {},
    });
  });
});

describe("not a proxy event", () => {
  test.each([
    ["null", null],
    ["a string", "GET /i/x"],
    ["an array", [{ httpMethod: "GET", path: "/" }]],
    ["an empty object", {}],
    ["no method (2.0)", { rawPath: "/book", requestContext: {} }],
    ["no path (2.0)", { requestContext: { http: { method: "GET" } } }],
    ["no path (1.0)", { httpMethod: "GET", requestContext: {} }],
    ["a relative path", { httpMethod: "GET", path: "i/x" }],
    ["an empty method", { httpMethod: "", path: "/i/x" }],
    ["a method that is not a string", { httpMethod: 1, path: "/i/x" }],
  ])("%s: undefined", (_name, event) => {
    expect(normalizeHttpEvent(event)).toBeUndefined();
  });

  test("isApiGatewayEvent tells an API request (even a broken one) from a direct invocation", () => {
    expect(isApiGatewayEvent(restApiEvent({ method: "GET", path: "/" }))).toBe(true);
    expect(isApiGatewayEvent(httpApiV2Event({ method: "GET", path: "/" }))).toBe(true);
    expect(isApiGatewayEvent({ requestContext: {} })).toBe(true);
    expect(isApiGatewayEvent({ definition: {}, createdBy: "jane" })).toBe(false);
    expect(isApiGatewayEvent(null)).toBe(false);
  });
});
