/**
 * Stand-in for `iconv-lite` in function bundles (esbuild alias, see modules/compute/bundle.ts).
 *
 * mysql2 calls iconv-lite only for character sets Node's Buffer does not know (cp932, gbk,
 * big5, ...); the functions connect with utf8mb4, which mysql2 decodes with Buffer itself.
 * The real package carries ~500 KB of CJK code tables, half of a function's size budget.
 * Should a connection ever negotiate such a charset, this fails loudly instead of garbling text.
 */

function unsupported(encoding: string): never {
  throw new Error(`character set "${encoding}" is not supported in this function: connect with utf8mb4`);
}

/**
 * mysql2 names MySQL's utf8mb3 "cesu8" (server metadata such as DATABASE() and
 * information_schema is utf8mb3). utf8mb3 holds only characters of the Basic Multilingual
 * Plane, whose CESU-8 and UTF-8 bytes are the same; the two differ only above it.
 */
const CESU8 = "cesu8";
const ABOVE_BMP = /[\uD800-\uDFFF]/;

function nativeEncoding(encoding: string): BufferEncoding {
  if (encoding.toLowerCase() === CESU8) return "utf8";
  if (!Buffer.isEncoding(encoding)) unsupported(encoding);
  return encoding as BufferEncoding;
}

function encodeText(text: string, encoding: string): Buffer {
  if (encoding.toLowerCase() === CESU8 && ABOVE_BMP.test(text)) {
    throw new Error("text with characters above the Basic Multilingual Plane (e.g. emoji) cannot be sent as utf8mb3: connect with utf8mb4");
  }
  return Buffer.from(text, nativeEncoding(encoding));
}

export function getDecoder(encoding: string) {
  const native = nativeEncoding(encoding);
  return { write: (buffer: Buffer) => buffer.toString(native), end: () => "" };
}

export function getEncoder(encoding: string) {
  nativeEncoding(encoding);
  return { write: (text: string) => encodeText(text, encoding), end: () => Buffer.alloc(0) };
}

export function decode(buffer: Buffer, encoding: string): string {
  return buffer.toString(nativeEncoding(encoding));
}

export function encode(text: string, encoding: string): Buffer {
  return encodeText(text, encoding);
}

export function encodingExists(encoding: string): boolean {
  return encoding.toLowerCase() === CESU8 || Buffer.isEncoding(encoding);
}
