import { Agent, request } from 'http';

export interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A keep-alive HTTP/1.1 client on node:http: the load generator shares the two cores with the
 * issuer, and node:http costs it noticeably less CPU per request than fetch (undici).
 */
export class HttpClient {
  private readonly agent: Agent;

  constructor(maxSockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** The shape e2e/@hallmark/testing's redeemWithDpop expects of its `call`. */
  call = (
    method: string,
    url: string,
    options: { raw?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    if (payload !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return this.send(method, url, headers, payload, true);
  };

  private send(
    method: string,
    url: string,
    headers: Record<string, string>,
    payload: string | undefined,
    mayRetry: boolean,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve({ status: res.statusCode ?? 0, headers: h, body });
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed just as it was reused: the request did not reach
        // the server (as good as always), so send it again on a fresh one, as the Node.js docs advise.
        if (mayRetry && req.reusedSocket && err.code === 'ECONNRESET')
          resolve(this.send(method, url, headers, payload, false));
        else reject(err);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url}: no answer within 30 s`)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Waits on GET /admin/sessions/{id}/stream (server-sent events) for the first timeline entry of
 * `type`; resolves with the time it arrived (performance.now()). Its own connection, outside the
 * keep-alive pool. The stream answers 404 until the session's summary exists: retried.
 */
export function awaitTimelineEntry(
  baseUrl: string,
  sessionId: string,
  token: string,
  type: string,
  timeoutMs = 30_000,
): { arrived: Promise<number>; cancel: () => void } {
  let cancelled = false;
  let done = false;
  let current: ReturnType<typeof request> | undefined;
  const deadline = Date.now() + timeoutMs;
  const arrived = new Promise<number>((resolve, reject) => {
    const attempt = () => {
      if (done) return;
      if (cancelled) return reject(new Error('cancelled'));
      if (Date.now() > deadline)
        return reject(new Error(`${type} of ${sessionId} not on the timeline within ${timeoutMs} ms`));
      current = request(
        `${baseUrl}/admin/sessions/${sessionId}/stream`,
        { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent: false },
        (res) => {
          if (res.statusCode !== 200) {
            // Not projected yet. Retrying faster would load the issuer and so measure the bench.
            res.resume();
            setTimeout(attempt, 100);
            return;
          }
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const message = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = /^data: (.*)$/m.exec(message)?.[1];
              if (data && JSON.parse(data).type === type) {
                const at = performance.now();
                done = true;
                current?.destroy();
                return resolve(at);
              }
            }
          });
          res.on('error', () => undefined);
        },
      );
      current.on('error', (err) => (done ? undefined : cancelled ? reject(err) : setTimeout(attempt, 100)));
      current.end();
    };
    attempt();
  });
  arrived.catch(() => undefined);
  return { arrived, cancel: () => ((cancelled = true), current?.destroy()) };
}
