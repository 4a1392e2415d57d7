import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AdminAuthGuard, ProblemError, RequiresRole, SERVICE_DATA_SOURCE } from '@hallmark/platform';
import { dateOf, decodeCursor, encodeCursor, limitOf } from './query-params';
import { explanationOf } from '../session-timeline/explanation';

/** The unattributed request log: wallet requests no session could be tied to, newest first. */
@Controller('admin/requests')
@UseGuards(AdminAuthGuard)
@RequiresRole('auditor')
export class RequestsQueryController {
  constructor(@Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource) {}

  @Get()
  async list(@Query() q: Record<string, string | undefined>): Promise<{ requests: unknown[]; next_cursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.outcome !== undefined) {
      if (q.outcome !== 'ok' && q.outcome !== 'error') throw new ProblemError(400, 'Invalid request', 'outcome must be ok or error', [{ field: 'outcome', message: 'must be ok or error' }]);
      add('outcome = ?', q.outcome);
    }
    if (q.type) add('type = ?', q.type);
    const from = dateOf(q.from, 'from');
    const to = dateOf(q.to, 'to');
    if (from) add('occurred_at >= ?', from);
    if (to) add('occurred_at < ?', to);
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, 2);
      params.push(at, id);
      where.push(`(occurred_at, event_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const limit = limitOf(q.limit, 200, 50);
    params.push(limit + 1);
    const rows = await this.db.query(
      `SELECT * FROM unattributed_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY occurred_at DESC, event_id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      requests: page.map((r: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const explanation = explanationOf(r.data);
        return { ...r, occurred_at: new Date(r.occurred_at).toISOString(), ...(explanation ? { explanation } : {}) };
      }),
      next_cursor: rows.length > limit && last ? encodeCursor([new Date(last.occurred_at).toISOString(), last.event_id]) : null,
    };
  }
}
