/**
 * Publishing a form: the validated definition becomes a new version in `forms`, is rendered to
 * static HTML and written to the forms bucket (SSE-KMS) twice: `forms/<slug>/index.html`, which
 * the CDN serves, and `forms/<slug>/v<version>/index.html`, kept as the record of what was
 * shown. The CDN invalidation is the caller's (the state machine's) step: the result names the
 * paths to invalidate.
 * The stylesheet the page links (lib/stylesheet.ts) is stored first, at its content-addressed
 * key beside the forms: CloudFront's CSP allows only same-origin styles, so it must be there
 * before any page that names it (rewriting the same bytes to the same key is harmless).
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Pool, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { FormDefinition } from "./definition";
import { STYLESHEET, STYLESHEET_CACHE_CONTROL, STYLESHEET_CONTENT_TYPE, STYLESHEET_KEY } from "../lib/stylesheet";
import { renderForm } from "./render";

export interface PublishDependencies {
  readonly pool: Pool;
  readonly s3: Pick<S3Client, "send">;
  readonly bucket: string;
  readonly kmsKeyId: string;
  /** The public API's base URL; the page POSTs to `${submitBaseUrl}/forms/<slug>`. */
  readonly submitBaseUrl: string;
  readonly now: () => Date;
}

export interface PublishResult {
  readonly formId: number;
  readonly slug: string;
  readonly version: number;
  /** The key the CDN serves. */
  readonly key: string;
  /** The immutable copy of this version. */
  readonly versionedKey: string;
  readonly publishedAt: Date;
  /** CDN paths whose cached copies are now stale: for the CloudFront invalidation step. */
  readonly cloudFrontInvalidationPaths: readonly string[];
}

/** The latest page may change on the next publish: caches keep it briefly. A versioned copy never changes. */
export const LATEST_CACHE_CONTROL = "public, max-age=300";
export const VERSIONED_CACHE_CONTROL = "public, max-age=31536000, immutable";
const HTML_CONTENT_TYPE = "text/html; charset=utf-8";
const VERSION_ATTEMPTS = 5;

export const submitUrlFor = (submitBaseUrl: string, slug: string) => `${submitBaseUrl.replace(/\/+$/, "")}/forms/${slug}`;

/**
 * Stores the definition (already validated by validateFormDefinition) as the slug's next
 * version, renders and uploads it, then records where and when it was published.
 */
export async function publishForm(deps: PublishDependencies, definition: FormDefinition, createdBy: string): Promise<PublishResult> {
  const { formId, version } = await insertNextVersion(deps.pool, definition, createdBy);
  const markup = renderForm(definition, { submitUrl: submitUrlFor(deps.submitBaseUrl, definition.slug) });
  const key = `forms/${definition.slug}/index.html`;
  const versionedKey = `forms/${definition.slug}/v${version}/index.html`;
  const store = (Key: string, Body: string, ContentType: string, CacheControl: string, Metadata?: Record<string, string>) =>
    deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key, Body, ContentType, CacheControl, ServerSideEncryption: "aws:kms", SSEKMSKeyId: deps.kmsKeyId, ...(Metadata ? { Metadata } : {}) }));
  const put = (Key: string, CacheControl: string) => store(Key, markup, HTML_CONTENT_TYPE, CacheControl, { "form-version": String(version) });
  await store(STYLESHEET_KEY, STYLESHEET, STYLESHEET_CONTENT_TYPE, STYLESHEET_CACHE_CONTROL);
  // The versioned copy first: the latest key must never point at a version with no record.
  await put(versionedKey, VERSIONED_CACHE_CONTROL);
  await put(key, LATEST_CACHE_CONTROL);
  const publishedAt = deps.now();
  await deps.pool.execute("UPDATE forms SET published_key = ?, published_at = ? WHERE id = ?", [key, publishedAt, formId]);
  return {
    formId,
    slug: definition.slug,
    version,
    key,
    versionedKey,
    publishedAt,
    cloudFrontInvalidationPaths: [`/forms/${definition.slug}/`, `/forms/${definition.slug}/index.html`],
  };
}

/** Inserts version MAX+1; two publishes at once collide on the (slug, version) key and the loser takes the next number. */
async function insertNextVersion(pool: Pool, definition: FormDefinition, createdBy: string): Promise<{ formId: number; version: number }> {
  for (let attempt = 1; ; attempt++) {
    const [rows] = await pool.query<RowDataPacket[]>("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM forms WHERE slug = ?", [definition.slug]);
    const version = Number(rows[0].next);
    try {
      const [result] = await pool.execute<ResultSetHeader>("INSERT INTO forms (slug, version, title, definition, created_by) VALUES (?, ?, ?, ?, ?)", [
        definition.slug,
        version,
        definition.title,
        JSON.stringify(definition),
        createdBy,
      ]);
      return { formId: result.insertId, version };
    } catch (error) {
      if ((error as { code?: string }).code !== "ER_DUP_ENTRY" || attempt >= VERSION_ATTEMPTS) throw error;
    }
  }
}
