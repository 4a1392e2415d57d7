import { isIP } from 'net';

/**
 * The processes that read configuration: the four services, the one-process host (`npm start`)
 * and the projection rebuild (`npm run projections:rebuild`).
 */
export const PROCESSES = [
  'offer-service',
  'authorization-server',
  'credential-service',
  'audit-projector',
  'hallmark',
  'projections-rebuild',
] as const;
export type ProcessName = (typeof PROCESSES)[number];

/** Raised at start for every variable that is missing or malformed; the message names each one. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** How a variable's text becomes a value: `parse` throws a message saying what is expected. */
export interface ValueType<T> {
  /** What the variable holds, for errors and the generated tables ("an integer from 1 to 65535"). */
  expected: string;
  parse(raw: string): T;
}

export interface Variable<T> {
  name: string;
  type: ValueType<T>;
  description: string;
  /** Used when the variable is unset (or empty); per process in `defaults`. */
  default?: T;
  defaults?: Partial<Record<ProcessName, T>>;
  /** The processes that refuse to start without it (when they read it and no default applies). */
  requiredBy?: readonly ProcessName[];
  /** What the tables say for the default, where a value alone would not say it ("http://localhost:$PORT"). */
  documentedDefault?: string;
  /** A secret: its value never appears in an error. */
  secret?: boolean;
}

/** Thrown by a ValueType's parse; the reader adds the variable's name. */
class Invalid extends Error {}
/** Rejects a value from a ValueType's parse: `message` says what is expected ("must be ..."). */
export const invalid = (message: string): never => {
  throw new Invalid(message);
};

export function integer(options: { min: number; max: number; unit?: string }): ValueType<number> {
  const expected = `an integer from ${options.min} to ${options.max}${options.unit ? ` (${options.unit})` : ''}`;
  return {
    expected,
    parse(raw) {
      if (!/^[+-]?\d+$/.test(raw.trim())) invalid(`must be ${expected}`);
      const n = Number(raw.trim());
      if (!Number.isSafeInteger(n) || n < options.min || n > options.max) invalid(`must be ${expected}`);
      return n;
    },
  };
}

export const port = (): ValueType<number> => integer({ min: 1, max: 65535 });

export const boolean = (): ValueType<boolean> => ({
  expected: '`true` or `false`',
  parse(raw) {
    const v = raw.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    return invalid('must be true or false');
  },
});

export function oneOf<const T extends string>(values: readonly T[]): ValueType<T> {
  const expected = values.map((v) => `\`${v}\``).join(', ');
  return {
    expected: `one of ${expected}`,
    parse(raw) {
      const v = raw.trim();
      return (values as readonly string[]).includes(v) ? (v as T) : invalid(`must be one of ${values.join(', ')}`);
    },
  };
}

/** An absolute URL with one of the protocols, without its trailing slash. */
export function url(protocols: readonly string[] = ['http:', 'https:']): ValueType<string> {
  const names = protocols.map((p) => p.replace(/:$/, '')).join(' or ');
  const expected = `${/^h/.test(names) ? 'an' : 'a'} ${names} URL`;
  return {
    expected,
    parse(raw) {
      let parsed: URL;
      try {
        parsed = new URL(raw.trim());
      } catch {
        return invalid(`must be ${expected}`);
      }
      if (!protocols.includes(parsed.protocol)) invalid(`must be ${expected}`);
      return raw.trim().replace(/\/+$/, '');
    },
  };
}

export function text(options: { pattern?: RegExp; expected?: string; minLength?: number } = {}): ValueType<string> {
  const expected =
    options.expected ?? (options.minLength ? `a string of at least ${options.minLength} characters` : 'a string');
  return {
    expected,
    parse(raw) {
      if (options.pattern && !options.pattern.test(raw)) invalid(`must be ${expected}`);
      if (options.minLength && raw.length < options.minLength) invalid(`must be ${expected}`);
      return raw;
    },
  };
}

/** `host:port,host:port`. */
export const hostPortList = (): ValueType<string[]> => ({
  expected: 'comma-separated `host:port`',
  parse(raw) {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!items.length) invalid('must name at least one host:port');
    for (const item of items) {
      const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(item);
      const host = m?.[1].replace(/^\[|\]$/g, '');
      const p = Number(m?.[2]);
      if (!m || !(isIP(host!) || /^[A-Za-z0-9.-]+$/.test(host!)) || p < 1 || p > 65535)
        invalid(`must be comma-separated host:port, and ${JSON.stringify(item)} is not`);
    }
    return items;
  },
});

/** A 32-byte key, base64 or base64url (`openssl rand -base64 32`). */
export const key32 = (): ValueType<Buffer> => ({
  expected: '32 random bytes, base64 (`openssl rand -base64 32`)',
  parse(raw) {
    const v = raw.trim();
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) invalid('must be 32 bytes, base64-encoded (openssl rand -base64 32)');
    const key = Buffer.from(v, 'base64');
    if (key.length !== 32)
      invalid(`must be 32 bytes, base64-encoded (openssl rand -base64 32); it decodes to ${key.length} bytes`);
    return key;
  },
});

/** Reads one variable: unset and empty are the same; a parse error names the variable and what it expects. */
export function readVariable<T>(variable: Variable<T>, process: ProcessName, raw: string | undefined): T | undefined {
  if (raw === undefined || raw === '') {
    const fallback = variable.defaults && process in variable.defaults ? variable.defaults[process] : variable.default;
    if (fallback === undefined && variable.requiredBy?.includes(process))
      throw new ConfigError(`${variable.name} is required by ${process}: ${variable.type.expected.replace(/`/g, '')}`);
    return fallback;
  }
  try {
    return variable.type.parse(raw);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const shown = variable.secret ? '' : `, got ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}...` : raw)}`;
    throw new ConfigError(`${variable.name} ${err.message}${shown}`);
  }
}
