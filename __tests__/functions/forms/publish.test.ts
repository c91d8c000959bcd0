/**
 * Publishing against MariaDB and moto's S3: a new version per publish, HTML objects with SSE-KMS,
 * content type and cache headers; the handler with REST (Cognito) and HTTP API (JWT) events.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { RowDataPacket } from "mysql2/promise";
import { FormDefinition, validateFormDefinition } from "../../../functions/forms/definition";
import { LATEST_CACHE_CONTROL, publishForm, PublishDependencies, VERSIONED_CACHE_CONTROL } from "../../../functions/forms/publish";
import { STYLESHEET, STYLESHEET_PATH } from "../../../functions/lib/stylesheet";
import { createFormPublishHandler } from "../../../functions/form-publish/handler";
import { httpApiV2Event, restApiEvent, STAFF_CLAIMS } from "../../support/api-gateway-events";
import { awsTestConfig, createTestDatabase, localServices, TEST_REGION, TestDatabase } from "../../support/local-services";

const KMS_KEY_ID = `arn:aws:kms:${TEST_REGION}:123456789012:key/11111111-2222-3333-4444-555555555555`;
const BUCKET = `forms-${Date.now()}`;

function definition(title: string, label: string): FormDefinition {
  const result = validateFormDefinition({ slug: "flu-consent", title, fields: [{ name: "consent", label, type: "consent", required: true }] });
  if (!result.ok) throw new Error(result.errors.join("; "));
  return result.definition;
}

let db: TestDatabase;
let s3: S3Client;
let deps: PublishDependencies;
const fixedNow = new Date("2026-11-02T10:00:00.000Z");

beforeAll(async () => {
  db = await createTestDatabase("form_publish");
  s3 = new S3Client(awsTestConfig(await localServices()));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: TEST_REGION } }));
  deps = { pool: db.as("form-publish"), s3, bucket: BUCKET, kmsKeyId: KMS_KEY_ID, submitBaseUrl: "https://forms-api.example.org/", now: () => fixedNow };
});
afterAll(async () => {
  s3?.destroy();
  await db?.drop();
});

const body = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();

test("the first publish stores version 1, writes the latest and versioned pages encrypted with the forms key, and names the paths to invalidate", async () => {
  const result = await publishForm(deps, definition("Flu consent <v1>", "I agree"), "staff-7");
  expect(result).toEqual({
    formId: expect.any(Number),
    slug: "flu-consent",
    version: 1,
    key: "forms/flu-consent/index.html",
    versionedKey: "forms/flu-consent/v1/index.html",
    publishedAt: fixedNow,
    cloudFrontInvalidationPaths: ["/forms/flu-consent/", "/forms/flu-consent/index.html"],
  });
  for (const [key, cacheControl] of [
    [result.key, LATEST_CACHE_CONTROL],
    [result.versionedKey, VERSIONED_CACHE_CONTROL],
  ]) {
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ServerSideEncryption).toBe("aws:kms");
    expect(head.SSEKMSKeyId).toBe(KMS_KEY_ID);
    expect(head.ContentType).toBe("text/html; charset=utf-8");
    expect(head.CacheControl).toBe(cacheControl);
    expect(head.Metadata).toEqual({ "form-version": "1" });
  }
  const page = await body(result.key);
  expect(page).toContain("<title>Flu consent &lt;v1&gt;</title>");
  expect(page).toContain(`action="https://forms-api.example.org/forms/flu-consent"`);
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT slug, version, title, definition, created_by, published_key, published_at FROM forms");
  expect(rows).toEqual([
    {
      slug: "flu-consent",
      version: 1,
      title: "Flu consent <v1>",
      definition: JSON.stringify(definition("Flu consent <v1>", "I agree")),
      created_by: "staff-7",
      published_key: "forms/flu-consent/index.html",
      published_at: fixedNow,
    },
  ]);
});

test("publishing again makes version 2: the latest page changes, version 1's copy stays as it was", async () => {
  const result = await publishForm(deps, definition("Flu consent v2", "I agree to the jab"), "staff-8");
  expect(result.version).toBe(2);
  expect(result.versionedKey).toBe("forms/flu-consent/v2/index.html");
  expect(await body("forms/flu-consent/index.html")).toContain("I agree to the jab");
  expect(await body("forms/flu-consent/v2/index.html")).toContain("I agree to the jab");
  const first = await body("forms/flu-consent/v1/index.html");
  expect(first).toContain("I agree");
  expect(first).not.toContain("I agree to the jab");
  expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "forms/flu-consent/index.html" }))).Metadata).toEqual({ "form-version": "2" });
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT version, created_by FROM forms WHERE slug = 'flu-consent' ORDER BY version");
  expect(rows).toEqual([
    { version: 1, created_by: "staff-7" },
    { version: 2, created_by: "staff-8" },
  ]);
});

test("two publishes of one slug at once get distinct versions", async () => {
  const results = await Promise.all([publishForm(deps, definition("A", "a"), "staff-1"), publishForm(deps, definition("B", "b"), "staff-2")]);
  expect(results.map((r) => r.version).sort()).toEqual([3, 4]);
});

describe("the form-publish handler, called through either API format or directly", () => {
  const input = (title: string) => ({ slug: "staff-form", title, fields: [{ name: "consent", label: "I agree", type: "consent", required: true }] });
  const publisherOfVersion = async (version: number) => {
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT created_by FROM forms WHERE slug = 'staff-form' AND version = ?", [version]);
    return rows[0]?.created_by;
  };
  const responseOf = (result: unknown) => {
    const { statusCode, headers, body } = result as { statusCode: number; headers: Record<string, string>; body: string };
    expect(headers).toEqual({ "content-type": "application/json", "cache-control": "no-store" });
    return { statusCode, body: JSON.parse(body) };
  };

  test("REST API with the Cognito user-pool authorizer: the token's cognito:username is the publisher", async () => {
    const handle = createFormPublishHandler(deps);
    const response = responseOf(await handle(restApiEvent({ method: "POST", path: "/forms", headers: { "Content-Type": "application/json" }, body: JSON.stringify(input("Staff form v1")), claims: { ...STAFF_CLAIMS } })));
    expect(response).toEqual({ statusCode: 201, body: { statusCode: 201, published: expect.objectContaining({ slug: "staff-form", version: 1 }) } });
    expect(await publisherOfVersion(1)).toBe("jane.staff");
  });

  test("HTTP API with a JWT authorizer (base64 body) works the same; an access token names the user `username`", async () => {
    const handle = createFormPublishHandler(deps);
    const { "cognito:username": _name, ...accessClaims } = STAFF_CLAIMS;
    const body = Buffer.from(JSON.stringify(input("Staff form v2"))).toString("base64");
    const response = responseOf(await handle(httpApiV2Event({ method: "POST", path: "/forms", body, isBase64Encoded: true, claims: { ...accessClaims, username: "sam.staff", token_use: "access" } })));
    expect(response.statusCode).toBe(201);
    expect(await publisherOfVersion(2)).toBe("sam.staff");
  });

  test("an API request without verified claims, or not a request at all, publishes nothing", async () => {
    const handle = createFormPublishHandler(deps);
    const [[{ n: before }]] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM forms");
    const anonymous = responseOf(await handle(restApiEvent({ method: "POST", path: "/forms", body: JSON.stringify(input("Anonymous")) })));
    expect(anonymous).toEqual({ statusCode: 401, body: { statusCode: 401, errors: [expect.stringMatching(/publisher is not known/)] } });
    const broken = responseOf(await handle({ requestContext: {}, body: JSON.stringify(input("Broken")) }));
    expect(broken.statusCode).toBe(400);
    const [[{ n: after }]] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM forms");
    expect(after).toBe(before);
  });

  test("Step Functions' direct invocation names the publisher itself", async () => {
    const outcome = await createFormPublishHandler(deps)({ definition: input("Staff form v3"), createdBy: " workflow " });
    expect(outcome).toMatchObject({ statusCode: 201, published: { version: 3 } });
    expect(await publisherOfVersion(3)).toBe("workflow");
  });
});

test("the stylesheet the page links is stored beside the forms, at the path the page names, encrypted and cached for a year", async () => {
  const result = await publishForm(deps, definition("Flu consent styles", "I agree"), "staff-9");
  const href = /<link rel="stylesheet" href="([^"]+)">/.exec(await body(result.key))?.[1];
  expect(href).toBe(STYLESHEET_PATH);
  // CloudFront maps the request path /assets/... to the object key assets/...
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: href!.slice(1) }));
  expect(head).toMatchObject({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: KMS_KEY_ID, ContentType: "text/css; charset=utf-8", CacheControl: "public, max-age=31536000, immutable" });
  expect(await body(href!.slice(1))).toBe(STYLESHEET);
});
