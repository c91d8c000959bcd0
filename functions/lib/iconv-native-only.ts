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

function nativeEncoding(encoding: string): BufferEncoding {
  if (!Buffer.isEncoding(encoding)) unsupported(encoding);
  return encoding as BufferEncoding;
}

export function getDecoder(encoding: string) {
  const native = nativeEncoding(encoding);
  return { write: (buffer: Buffer) => buffer.toString(native), end: () => "" };
}

export function getEncoder(encoding: string) {
  const native = nativeEncoding(encoding);
  return { write: (text: string) => Buffer.from(text, native), end: () => Buffer.alloc(0) };
}

export function decode(buffer: Buffer, encoding: string): string {
  return buffer.toString(nativeEncoding(encoding));
}

export function encode(text: string, encoding: string): Buffer {
  return Buffer.from(text, nativeEncoding(encoding));
}

export function encodingExists(encoding: string): boolean {
  return Buffer.isEncoding(encoding);
}
