import type { ServiceName } from '@hallmark/contracts';

/** Which service answers which public path: the one routing table for the gateway (dev gateway, Istio). */
export interface Route {
  methods?: string[];
  /** Path prefix; a trailing `/` matches sub-paths only. */
  prefix: string;
  service: ServiceName;
}

export const ROUTES: readonly Route[] = [
  { prefix: '/admin/openapi.json', service: 'audit-projector' },
  { methods: ['POST'], prefix: '/admin/sessions', service: 'offer-service' },
  { methods: ['DELETE'], prefix: '/admin/sessions/', service: 'offer-service' },
  { methods: ['GET', 'HEAD'], prefix: '/admin/', service: 'audit-projector' },
  { prefix: '/offers/', service: 'offer-service' },
  { methods: ['POST'], prefix: '/token', service: 'authorization-server' },
  { prefix: '/par', service: 'authorization-server' },
  { methods: ['GET', 'HEAD'], prefix: '/authorize', service: 'authorization-server' },
  { methods: ['POST'], prefix: '/authorize/consent', service: 'authorization-server' },
  { methods: ['POST'], prefix: '/challenge', service: 'authorization-server' },
  { methods: ['GET', 'HEAD'], prefix: '/.well-known/oauth-authorization-server', service: 'authorization-server' },
  { methods: ['GET', 'HEAD'], prefix: '/.well-known/jwks.json', service: 'authorization-server' },
  { methods: ['GET', 'HEAD'], prefix: '/.well-known/openid-credential-issuer', service: 'credential-service' },
  { methods: ['POST'], prefix: '/nonce', service: 'credential-service' },
  { methods: ['POST'], prefix: '/credential', service: 'credential-service' },
];

export function routeFor(method: string, path: string): ServiceName | undefined {
  const route = ROUTES.find(
    (r) =>
      (!r.methods || r.methods.includes(method.toUpperCase())) &&
      (path === r.prefix ||
        path.startsWith(r.prefix.endsWith('/') ? r.prefix : `${r.prefix}/`) ||
        path.startsWith(`${r.prefix}?`)),
  );
  return route?.service;
}
