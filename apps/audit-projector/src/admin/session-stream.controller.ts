import { BeforeApplicationShutdown, Controller, Get, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { ServerResponse } from 'http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { AdminAuthGuard, ProblemError, RequiresRole, SERVICE_DATA_SOURCE } from '@hallmark/platform';
import { TIMELINE_COLUMNS, rowToEntry } from '../session-projection.writer';
import { explanationOf } from '../session-timeline/explanation';
import { TimelineNotifications } from '../session-timeline/timeline-notifications';

/**
 * GET /admin/sessions/{id}/stream: server-sent events, one `entry` event per new timeline entry,
 * oldest first, pushed when the projector commits it. Entries already on the timeline are sent
 * first unless the client resumes with Last-Event-ID (a seq).
 */
@Controller('admin/sessions')
@UseGuards(AdminAuthGuard)
@RequiresRole('auditor')
export class SessionStreamController implements BeforeApplicationShutdown {
  private readonly open = new Set<ServerResponse>();

  constructor(
    @Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource,
    private readonly notifications: TimelineNotifications,
  ) {}

  @Get(':session_id/stream')
  async stream(
    @Param('session_id') sessionId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const [exists] = await this.db.query('SELECT 1 FROM session_summaries WHERE session_id = $1', [sessionId]);
    if (!exists) throw new ProblemError(404, 'Not Found', `no session ${sessionId}`);
    const resumeAfter = Number(request.headers['last-event-id'] ?? 0) || 0;
    const sent = new Set<string>();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': hallmark session timeline\n\n');
    let pending = Promise.resolve();
    const push = () => {
      pending = pending
        .then(async () => {
          const rows = await this.db.query(
            `SELECT ${TIMELINE_COLUMNS}, row_number() OVER (ORDER BY occurred_at, event_id) AS seq
             FROM timeline_entries WHERE session_id = $1 ORDER BY seq`,
            [sessionId],
          );
          for (const r of rows) {
            const seq = Number(r.seq);
            if (sent.has(r.event_id) || seq <= resumeAfter) continue;
            sent.add(r.event_id);
            const entry = rowToEntry(r);
            const explanation = explanationOf(entry.data);
            raw.write(
              `event: entry\nid: ${seq}\ndata: ${JSON.stringify({ seq, ...entry, ...(explanation ? { explanation } : {}) })}\n\n`,
            );
          }
        })
        .catch(() => undefined);
    };
    const unsubscribe = this.notifications.subscribe(sessionId, push);
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15000);
    this.open.add(raw);
    raw.on('close', () => {
      unsubscribe();
      clearInterval(keepAlive);
      this.open.delete(raw);
    });
    push();
  }

  /** Streams never finish by themselves: end them so a graceful shutdown does not wait on them. */
  beforeApplicationShutdown(): void {
    for (const raw of this.open) raw.end();
  }
}
