import type { PlatformConfig } from '@hallmark/platform';
import { SessionClaimsClient } from './session-claims.client';

describe('session claims client', () => {
  // An offer service URL nothing listens on: a call over HTTP would fail the test.
  const config = { offerServiceUrl: 'http://127.0.0.1:9', internalToken: 't' } as PlatformConfig;

  it('asks the offer service in the same process when one is bound', async () => {
    const asked: string[] = [];
    const client = new SessionClaimsClient(config, {
      claimsFor: async (id) => (asked.push(id), { subject_id: 's', claims: { pid: { given_name: 'Erika' } } }),
    });
    expect(await client.claimsFor('abc')).toEqual({ pid: { given_name: 'Erika' } });
    expect(asked).toEqual(['abc']);
  });

  it('refuses an unknown or erased session with the wire error for it', async () => {
    const client = new SessionClaimsClient(config, { claimsFor: async () => null });
    await expect(client.claimsFor('gone')).rejects.toMatchObject({ reason: 'credential_session_unavailable' });
  });
});
