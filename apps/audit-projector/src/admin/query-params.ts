import { ProblemError } from '@hallmark/platform';

/** Query parameters of the admin views: opaque cursors, bounded limits, RFC 3339 times; bad ones are 400s naming the field. */
export const encodeCursor = (parts: string[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');
export const decodeCursor = (cursor: string, size: number): string[] => {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(parts) && parts.length === size && parts.every((p) => typeof p === 'string')) return parts;
  } catch {
    /* fall through */
  }
  throw new ProblemError(400, 'Invalid request', 'cursor is not a cursor this API issued', [
    { field: 'cursor', message: 'invalid' },
  ]);
};
export const limitOf = (raw: string | undefined, max: number, dflt: number): number => {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ProblemError(400, 'Invalid request', `limit must be an integer from 1 to ${max}`, [
      { field: 'limit', message: 'out of range' },
    ]);
  return n;
};
export const dateOf = (raw: string | undefined, field: string): string | undefined => {
  if (raw === undefined) return undefined;
  if (Number.isNaN(Date.parse(raw)))
    throw new ProblemError(400, 'Invalid request', `${field} must be an RFC 3339 date-time`, [
      { field, message: 'not a date-time' },
    ]);
  return new Date(raw).toISOString();
};

/** WHERE conditions with numbered parameters: each `?` in a condition takes the next value. */
export class SqlFilter {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  add(condition: string, ...values: unknown[]): this {
    this.conditions.push(condition.replace(/\?/g, () => this.param(values.shift())));
    return this;
  }

  /** A placeholder for `value`, e.g. for LIMIT. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}
