import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '@hallmark/contracts';

/** Client addresses are personal data: keep the network, drop the host part. */
export function maskIp(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (ip.includes(':')) return `${ip.split(':').slice(0, 3).join(':')}::/48`;
  return undefined;
}

/** What an event may say about the wallet request that caused it: route template, agent, masked IP. */
export function requestContextOf(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  const ip = maskIp(request.ip);
  return {
    method: request.method,
    path: (request.routeOptions?.url ?? request.url.split('?')[0]).replace(/:(\w+)/g, '{$1}'),
    ...(typeof ua === 'string' ? { user_agent: ua.slice(0, 512) } : {}),
    ...(ip ? { client_ip: ip } : {}),
  };
}
