import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { ServiceName } from '@hallmark/contracts';
import { routeFor } from '@hallmark/platform';

export interface DevGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * The local stand-in for the Istio gateway: one base URL in front of the four services, routed
 * by the same table (libs/platform/src/routes.ts). Headers pass through, traceparent included.
 */
export async function startDevGateway(upstreams: Record<ServiceName, string>, port = 0): Promise<DevGateway> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (path === '/health/ready' || path === '/health/live') {
      void aggregateHealth(upstreams, path).then(({ ok, body }) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      return;
    }
    const service = routeFor(req.method ?? 'GET', path.split('?')[0]);
    if (!service) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ error: 'not_found', error_description: `no route for ${req.method} ${path.split('?')[0]}` }),
        );
      return;
    }
    const target = new URL(path, upstreams[service]);
    // Appends the peer to X-Forwarded-For, as Envoy does: HALLMARK_TRUST_PROXY counts the hops trusted.
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].flat().filter(Boolean).join(', ');
    const headers = {
      ...req.headers,
      'x-forwarded-for': forwardedFor,
      'x-forwarded-proto': 'http',
      'x-forwarded-host': req.headers.host ?? '',
    };
    const upstream = httpRequest(target, { method: req.method, headers }, (up) => {
      // Hop-by-hop headers stay on their hop: forwarding the service's keep-alive timeout (72 s)
      // makes clients reuse connections this server closes after its own 5 s.
      const { connection: _connection, 'keep-alive': _keepAlive, ...endToEnd } = up.headers;
      res.writeHead(up.statusCode ?? 502, endToEnd);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: `${service} is not reachable` }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function aggregateHealth(
  upstreams: Record<string, string>,
  path: string,
): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  const results = await Promise.all(
    Object.entries(upstreams).map(async ([name, url]) => {
      try {
        const r = await fetch(new URL(path, url), { signal: AbortSignal.timeout(2000) });
        return [name, r.ok] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  const ok = results.every(([, up]) => up);
  return { ok, body: { status: ok ? 'ready' : 'not_ready', services: Object.fromEntries(results) } };
}
