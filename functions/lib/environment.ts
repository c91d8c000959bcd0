/**
 * Reading a function's configuration from environment variables, with errors that name the
 * variable and say what value is expected. A function fails at cold start, not mid-campaign.
 */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

export interface EnvironmentReader {
  string(name: string, fallback?: string): string;
  integer(name: string, options: { min: number; max: number; fallback?: number }): number;
  number(name: string, options: { min: number; max: number; fallback?: number }): number;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentReader {
  const raw = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const numeric = (name: string, options: { min: number; max: number; fallback?: number }, integer: boolean): number => {
    const value = raw(name);
    if (value === undefined) {
      if (options.fallback !== undefined) return options.fallback;
      throw new ConfigurationError(`${name} is not set; set it to ${integer ? "a whole number" : "a number"} from ${options.min} to ${options.max}.`);
    }
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < options.min || parsed > options.max) {
      throw new ConfigurationError(`${name} must be ${integer ? "a whole number" : "a number"} from ${options.min} to ${options.max}, got ${JSON.stringify(value)}.`);
    }
    return parsed;
  };
  return {
    string(name, fallback) {
      const value = raw(name) ?? fallback;
      if (value === undefined) throw new ConfigurationError(`${name} is not set; the function's configuration must provide it.`);
      return value;
    },
    integer: (name, options) => numeric(name, options, true),
    number: (name, options) => numeric(name, options, false),
    oneOf(name, allowed, fallback) {
      const value = raw(name) ?? fallback;
      if (value === undefined || !(allowed as readonly string[]).includes(value)) {
        throw new ConfigurationError(`${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(raw(name) ?? "")}.`);
      }
      return value as (typeof allowed)[number];
    },
  };
}
