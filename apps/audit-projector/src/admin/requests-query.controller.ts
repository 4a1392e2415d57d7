import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AdminAuthGuard, ProblemError, RequiresRole, SERVICE_DATA_SOURCE } from '@hallmark/platform';
import { SqlFilter, dateOf, decodeCursor, encodeCursor, limitOf } from './query-params';
import { explanationOf } from '../session-timeline/explanation';

/** The unattributed request log: wallet requests no session could be tied to, newest first. */
@Controller('admin/requests')
@UseGuards(AdminAuthGuard)
@RequiresRole('auditor')
export class RequestsQueryController {
  constructor(@Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource) {}

  @Get()
  async list(
    @Query() q: Record<string, string | undefined>,
  ): Promise<{ requests: unknown[]; next_cursor: string | null }> {
    const filter = new SqlFilter();
    if (q.outcome !== undefined) {
      if (q.outcome !== 'ok' && q.outcome !== 'error')
        throw new ProblemError(400, 'Invalid request', 'outcome must be ok or error', [
          { field: 'outcome', message: 'must be ok or error' },
        ]);
      filter.add('outcome = ?', q.outcome);
    }
    if (q.type) filter.add('type = ?', q.type);
    const from = dateOf(q.from, 'from');
    const to = dateOf(q.to, 'to');
    if (from) filter.add('occurred_at >= ?', from);
    if (to) filter.add('occurred_at < ?', to);
    if (q.cursor) filter.add('(occurred_at, event_id) < (?::timestamptz, ?::uuid)', ...decodeCursor(q.cursor, 2));
    const limit = limitOf(q.limit, 200, 50);
    const rows = await this.db.query(
      `SELECT * FROM unattributed_requests ${filter.where} ORDER BY occurred_at DESC, event_id DESC LIMIT ${filter.param(limit + 1)}`,
      filter.params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      requests: page.map((r: Record<string, any>) => {
        const explanation = explanationOf(r.data);
        return { ...r, occurred_at: new Date(r.occurred_at).toISOString(), ...(explanation ? { explanation } : {}) };
      }),
      next_cursor:
        rows.length > limit && last ? encodeCursor([new Date(last.occurred_at).toISOString(), last.event_id]) : null,
    };
  }
}
