/** A field the admin API refused, and why. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An admin API error, answered as RFC 9457 application/problem+json. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors: FieldProblem[] = [],
    readonly type = 'about:blank',
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }
}

/** A wallet-facing error in the OAuth 2.0 / OID4VCI wire format: `{ error, error_description }`. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description ?? error);
    this.name = 'OAuthError';
  }
}
