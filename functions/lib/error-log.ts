/**
 * What an unexpected error may put in a log line: its name, driver code and text, under keys
 * of their own. Powertools Logger owns `message` (the log line's own text), `level`,
 * `timestamp`, `service` and others, and silently drops an attribute that reuses one, so an
 * error logged as `{ message }` arrives without its reason.
 */
export interface ErrorLogAttributes {
  readonly errorName?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export function errorLogAttributes(error: unknown): ErrorLogAttributes {
  const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  return {
    ...(typeof name === "string" ? { errorName: name } : {}),
    ...(typeof code === "string" ? { errorCode: code } : {}),
    ...(typeof message === "string" ? { errorMessage: message } : {}),
  };
}
