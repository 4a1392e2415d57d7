import { Controller, Get, Headers, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { interopReport, interopReportMarkdown, type ReportEntry } from '../session-timeline/interop-report';
import type { DataSource } from 'typeorm';
import { AdminAuthGuard, ProblemError, RequiresRole, SERVICE_DATA_SOURCE } from '@hallmark/platform';
import { TIMELINE_COLUMNS, rowToEntry } from '../session-projection.writer';
import { SqlFilter, dateOf, decodeCursor, encodeCursor, limitOf } from './query-params';
import { explanationOf } from '../session-timeline/explanation';

type ViewEntry = ReturnType<typeof rowToEntry> & { seq: number; count?: number; first_occurred_at?: string };

/**
 * A wallet polling or re-fetching the offer makes runs of identical entries: the view shows each
 * run once, newest first, with how many and since when (`?collapse=false` shows them all; the
 * events stay either way).
 */
export function collapseRepeats(entries: ViewEntry[], collapse: boolean): ViewEntry[] {
  if (!collapse) return entries;
  const out: ViewEntry[] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (
      last &&
      last.type === e.type &&
      last.level === e.level &&
      last.endpoint === e.endpoint &&
      last.message === e.message
    ) {
      last.count = (last.count ?? 1) + 1;
      last.first_occurred_at = e.occurred_at;
    } else out.push({ ...e });
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const summaryOf = (r: Record<string, any>, now: Date) => ({
  session_id: r.session_id,
  // An offer nobody finished before it expired is expired; derived at read time from expires_at.
  status:
    ['created', 'offer_created', 'offer_retrieved'].includes(r.status) && r.expires_at && new Date(r.expires_at) <= now
      ? 'expired'
      : r.status,
  grant_type: r.grant_type,
  credential_configuration_ids: r.credential_configuration_ids,
  created_at: new Date(r.created_at).toISOString(),
  updated_at: new Date(r.updated_at).toISOString(),
  expires_at: r.expires_at ? new Date(r.expires_at).toISOString() : null,
  event_count: r.event_count,
  offer_retrievals: r.offer_retrievals,
  last_error: r.last_error,
});

/** The session inspection views: the list of sessions and one session's summary and timeline. */
@Controller('admin/sessions')
@UseGuards(AdminAuthGuard)
@RequiresRole('auditor')
export class SessionsQueryController {
  constructor(@Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource) {}

  @Get()
  async list(
    @Query() q: Record<string, string | undefined>,
  ): Promise<{ sessions: unknown[]; next_cursor: string | null }> {
    const filter = new SqlFilter();
    const now = new Date();
    if (q.status === 'expired') {
      filter.add(`status IN ('created','offer_created','offer_retrieved') AND expires_at <= ?`, now.toISOString());
    } else if (q.status) {
      filter.add('status = ?', q.status);
      if (['created', 'offer_created', 'offer_retrieved'].includes(q.status))
        filter.add('(expires_at IS NULL OR expires_at > ?)', now.toISOString());
    }
    if (q.credential_configuration_id)
      filter.add('? = ANY(credential_configuration_ids)', q.credential_configuration_id);
    if (q.grant_type) filter.add('grant_type = ?', q.grant_type);
    const from = dateOf(q.from, 'from');
    const to = dateOf(q.to, 'to');
    if (from) filter.add('created_at >= ?', from);
    if (to) filter.add('created_at < ?', to);
    if (q.cursor) filter.add('(created_at, session_id) < (?::timestamptz, ?)', ...decodeCursor(q.cursor, 2));
    const limit = limitOf(q.limit, 200, 50);
    const rows = await this.db.query(
      `SELECT * FROM session_summaries ${filter.where} ORDER BY created_at DESC, session_id DESC LIMIT ${filter.param(limit + 1)}`,
      filter.params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      sessions: page.map((r: Record<string, unknown>) => summaryOf(r, now)),
      next_cursor:
        rows.length > limit && last ? encodeCursor([new Date(last.created_at).toISOString(), last.session_id]) : null,
    };
  }

  /** The interop report: Markdown when asked for (`Accept: text/markdown` or `?format=md`), JSON otherwise. */
  @Get(':session_id/report')
  async report(
    @Param('session_id') sessionId: string,
    @Query('format') format: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const [summary] = await this.db.query('SELECT * FROM session_summaries WHERE session_id = $1', [sessionId]);
    if (!summary) throw new ProblemError(404, 'Not Found', `no session ${sessionId}`);
    const rows = await this.db.query(
      `SELECT ${TIMELINE_COLUMNS}, row_number() OVER (ORDER BY occurred_at, event_id) AS seq FROM timeline_entries WHERE session_id = $1 ORDER BY seq`,
      [sessionId],
    );
    const entries: ReportEntry[] = rows.map((r: Record<string, unknown>) => {
      const { data, ...entry } = rowToEntry(r);
      const explanation = explanationOf(data);
      return { seq: Number(r.seq), ...entry, ...(explanation ? { explanation } : {}) };
    });
    const report = interopReport(summaryOf(summary, new Date()), entries, new Date());
    if (format === 'md' || /text\/markdown/.test(accept ?? '')) {
      reply.header('content-type', 'text/markdown; charset=utf-8');
      return interopReportMarkdown(report);
    }
    return report;
  }

  @Get(':session_id')
  async get(
    @Param('session_id') sessionId: string,
    @Query() q: Record<string, string | undefined>,
  ): Promise<Record<string, unknown>> {
    const [summary] = await this.db.query('SELECT * FROM session_summaries WHERE session_id = $1', [sessionId]);
    if (!summary) throw new ProblemError(404, 'Not Found', `no session ${sessionId}`);
    const limit = limitOf(q.limit, 500, 100);
    const params: unknown[] = [sessionId, limit + 1];
    let before = '';
    if (q.cursor) {
      const [seq] = decodeCursor(q.cursor, 1);
      params.push(Number(seq));
      before = 'WHERE seq < $3';
    }
    // seq numbers entries by occurrence, so it is the same live and after a rebuild.
    const rows = await this.db.query(
      `SELECT * FROM (SELECT ${TIMELINE_COLUMNS}, row_number() OVER (ORDER BY occurred_at, event_id) AS seq
                        FROM timeline_entries WHERE session_id = $1) t
        ${before} ORDER BY seq DESC LIMIT $2`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      ...summaryOf(summary, new Date()),
      timeline: collapseRepeats(
        page.map((r: Record<string, unknown>) => {
          const entry = rowToEntry(r);
          const explanation = explanationOf(entry.data);
          return { seq: Number(r.seq), ...entry, ...(explanation ? { explanation } : {}) };
        }),
        q.collapse !== 'false',
      ),
      timeline_next_cursor: rows.length > limit ? encodeCursor([String(page[page.length - 1].seq)]) : null,
    };
  }
}
