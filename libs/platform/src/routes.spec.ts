import { routeFor } from './routes';

describe('gateway routing table', () => {
  it.each([
    ['POST', '/admin/sessions', 'offer-service'],
    ['DELETE', '/admin/sessions/abc', 'offer-service'],
    ['GET', '/admin/sessions', 'audit-projector'],
    ['GET', '/admin/sessions/abc?limit=2', 'audit-projector'],
    ['GET', '/admin/openapi.json', 'audit-projector'],
    ['GET', '/offers/xyz', 'offer-service'],
  ])('%s %s goes to %s', (method, path, service) => {
    expect(routeFor(method, path)).toBe(service);
  });

  it('routes nothing else', () => {
    expect(routeFor('GET', '/offersx')).toBeUndefined();
    expect(routeFor('PUT', '/admin/sessions')).toBeUndefined();
  });
});
