import { z } from 'zod';

/** A configuration problem: its message is one line naming the variable, never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What a context's configuration reader knows besides its variables. */
export interface ConfigReadContext {
  readonly env: 'development' | 'test' | 'production';
  /** Where development keeps generated keys and data (EMBEDDED_DATA_DIR, resolved). */
  readonly dataDir: string;
}

/**
 * A context's slice of the configuration: the environment variables it reads (a zod
 * object of strings, with defaults) and how they become its typed settings. The platform
 * validates the slices of the contexts a process runs, at boot, with the same one-line
 * errors as its own variables; the context injects its settings with `@Inject(slice.token)`.
 */
export interface ConfigSlice<T> {
  readonly context: string;
  readonly variables: z.ZodObject;
  /** Turns the parsed variables into settings; may throw ConfigError for rules across variables. */
  readonly read: (variables: Record<string, unknown>, context: ConfigReadContext) => T;
  /** Injection token of the settings. */
  readonly token: symbol;
}

export type ConfigOf<S> = S extends ConfigSlice<infer T> ? T : never;

export function defineConfig<V extends z.ZodRawShape, T>(
  context: string,
  variables: V,
  read: (variables: z.output<z.ZodObject<V>>, context: ConfigReadContext) => T,
): ConfigSlice<T> {
  return {
    context,
    variables: z.object(variables),
    read: read as ConfigSlice<T>['read'],
    token: Symbol(`${context} configuration`),
  };
}

/*
 * Variable types: every value arrives as a string; these parse and bound it, with messages
 * that finish the sentence "Invalid configuration: <NAME> ...".
 */

export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with scheme ${protocols.map((p) => p.replace(':', '://')).join(' or ')}`,
  );

export const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** `{"kid": "<base64 of 32 bytes>", ...}`: AES-256 key-encryption keys, the first one active. */
export const keyMap = z.string().transform((value, ctx) => {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const entries = Object.entries(parsed as Record<string, unknown>);
      if (
        entries.length > 0 &&
        entries.every(([kid, k]) => /^[A-Za-z0-9._-]{1,64}$/.test(kid) && typeof k === 'string' && Buffer.from(k, 'base64').length === 32)
      ) {
        return entries.map(([kid, k]) => ({ kid, key: Buffer.from(k as string, 'base64') }));
      }
    }
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'must be a JSON object of key ids to base64-encoded 32-byte keys' });
  return z.NEVER;
});

export const key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be a base64-encoded 32-byte key')
  .transform((v) => Buffer.from(v, 'base64'));

/** Money in configuration: minor units, a non-negative integer within Postgres bigint. */
export const minorUnits = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,17})$/, 'must be a non-negative whole number of minor units')
  .transform((v) => BigInt(v));

/** The one-line message of the first problem, naming the variable (never its value). */
export function describeConfigError(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  // Zod's own enum message is generic; ours (set in the schema) are kept as written.
  const message =
    issue.code === 'invalid_value' && 'values' in issue && issue.message.startsWith('Invalid')
      ? `must be one of ${(issue.values as unknown[]).join(', ')}`
      : issue.message;
  return `Invalid configuration: ${variable} ${message}`;
}
