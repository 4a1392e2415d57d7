import { explain } from '@hallmark/oid4vc';

/** How a timeline entry explains a refusal: what was wrong in this request, how to fix it, where the spec says so. */
export interface Explanation {
  title: string;
  reason: string;
  help: string;
  spec_ref: string;
  error: string;
  /** For a comparison: what was checked, the value expected and the value the wallet sent (never a secret). */
  compares?: string;
  expected?: string;
  provided?: string;
}

/**
 * Explanations are looked up from the one error catalogue when the entry is read, by the
 * `reason` the event recorded: events keep facts, and a better help text reaches old entries too.
 */
export function explanationOf(data: Record<string, unknown>): Explanation | undefined {
  if (typeof data.reason !== 'string') return undefined;
  const entry = explain(data.reason);
  if (!entry) return undefined;
  return {
    title: entry.title,
    reason: typeof data.error_description === 'string' ? data.error_description : entry.title,
    help: entry.help,
    spec_ref: typeof data.spec_ref === 'string' ? data.spec_ref : entry.spec_ref,
    error: entry.error,
    ...(entry.compares ? { compares: entry.compares } : {}),
    ...(typeof data.expected === 'string' ? { expected: data.expected } : {}),
    ...(typeof data.provided === 'string' ? { provided: data.provided } : {}),
  };
}
