import type { Explanation } from './explanation';

export interface ReportEntry {
  seq: number;
  occurred_at: string;
  type: string;
  level: string;
  source: string;
  endpoint: string | null;
  message: string;
  trace_id: string | null;
  request_id: string;
  explanation?: Explanation;
}

export interface InteropReport {
  report: 'hallmark-interop-report';
  generated_at: string;
  session: Record<string, unknown>;
  flow: string[];
  problems: Array<Explanation & { seq: number; trace_id: string | null }>;
  entries: ReportEntry[];
}

/**
 * A self-contained account of one issuance for someone debugging interop with a wallet: the
 * flow, every step and its outcome, each refusal explained, and the trace ids to find the
 * requests in traces and logs. Built from the redacted projection only: no secrets to leak.
 */
export function interopReport(session: Record<string, unknown>, entries: ReportEntry[], now: Date): InteropReport {
  const oldestFirst = [...entries].sort((a, b) => a.seq - b.seq);
  return {
    report: 'hallmark-interop-report',
    generated_at: now.toISOString(),
    session,
    flow: [...new Set(oldestFirst.map((e) => e.type))],
    problems: oldestFirst
      .filter((e) => e.explanation)
      .map((e) => ({ seq: e.seq, ...e.explanation!, trace_id: e.trace_id })),
    entries: oldestFirst,
  };
}

const cell = (s: unknown): string =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

export function interopReportMarkdown(r: InteropReport): string {
  const s = r.session;
  const lines = [
    `# Issuance session ${cell(s.session_id)}`,
    '',
    `Status **${cell(s.status)}**, grant ${cell(s.grant_type)}, configurations ${cell((s.credential_configuration_ids as string[] | undefined)?.join(', '))}.`,
    `Created ${cell(s.created_at)}, last event ${cell(s.updated_at)}. Report generated ${r.generated_at}.`,
    '',
    `Flow: ${r.flow.join(' -> ')}`,
    '',
    '## Problems',
    '',
    ...(r.problems.length
      ? r.problems.flatMap((p) => [
          `### ${p.seq}. ${p.title} (\`${p.error}\`)`,
          '',
          `- What was wrong: ${p.reason}`,
          ...(p.expected !== undefined || p.provided !== undefined
            ? [`- Expected: ${p.expected ?? 'n/a'}; provided: ${p.provided ?? 'n/a'}`]
            : []),
          `- How to fix it: ${p.help}`,
          `- Spec: ${p.spec_ref}`,
          `- Trace: ${p.trace_id ?? 'none'}`,
          '',
        ])
      : ['None.', '']),
    '## Steps',
    '',
    '| # | time | level | endpoint | what happened | trace id | request id |',
    '|---|---|---|---|---|---|---|',
    ...r.entries.map(
      (e) =>
        `| ${e.seq} | ${e.occurred_at} | ${e.level} | ${cell(e.endpoint)} | ${cell(e.message)} | ${cell(e.trace_id)} | ${cell(e.request_id)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
