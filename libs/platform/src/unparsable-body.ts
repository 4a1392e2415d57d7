/**
 * The body of a wallet request whose JSON does not parse: what the handler receives instead of
 * a 400 from the framework, so it can refuse with its own catalogue reason and record the
 * request. Keeps the length and the error position only: the text may hold secrets.
 */
export class UnparsableBody {
  private constructor(
    readonly length: number,
    readonly position: number | undefined,
  ) {}

  static from(body: string | Buffer, error: Error): UnparsableBody {
    const position = /position (\d+)/.exec(error.message)?.[1];
    return new UnparsableBody(body.length, position === undefined ? undefined : Number(position));
  }

  /** How the redaction policy records it. */
  toString(): string {
    return `<not valid JSON, len=${this.length}${this.position === undefined ? '' : `, error at ${this.position}`}>`;
  }
}
