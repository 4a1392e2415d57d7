import { CompactEncrypt } from 'jose';
import { randomBytes } from 'crypto';
import { GRANT_CODE_TYP, openGrantCode, sealGrantCode, type GrantCodePayload } from './grant-code';
import { expectOid4vcError, rejection } from './test-support';

const NOW = new Date('2026-11-28T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

describe('sealGrantCode / openGrantCode', () => {
  const key = randomBytes(32);
  const payload: GrantCodePayload = {
    sid: 'session-7f3a',
    exp: NOW_S + 600,
    cfg: ['eu.europa.ec.eudi.pid.1', 'age_verification'],
    tx: { value: '493536', input_mode: 'numeric', length: 6 },
  };

  it('round-trips a payload with and without a transaction code', async () => {
    expect(await openGrantCode(key, await sealGrantCode(key, payload), NOW)).toEqual(payload);
    const { tx: _tx, ...withoutTx } = payload;
    expect(await openGrantCode(key, await sealGrantCode(key, withoutTx), NOW)).toEqual(withoutTx);
  });

  it('is a compact dir/A256GCM JWE that does not leak its content', async () => {
    const code = await sealGrantCode(key, payload);
    const parts = code.split('.');
    expect(parts).toHaveLength(5);
    expect(parts[1]).toBe('');
    expect(JSON.parse(Buffer.from(parts[0], 'base64url').toString())).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      typ: GRANT_CODE_TYP,
    });
    const visible = parts.map((part) => Buffer.from(part, 'base64url').toString('latin1')).join('|') + code;
    for (const secret of ['493536', 'session-7f3a', 'age_verification']) expect(visible).not.toContain(secret);
    expect(code).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('gives a different code every time', async () => {
    expect(await sealGrantCode(key, payload)).not.toBe(await sealGrantCode(key, payload));
  });

  it('rejects a tampered code', async () => {
    const code = await sealGrantCode(key, payload);
    const parts = code.split('.');
    for (const index of [0, 2, 3, 4]) {
      const altered = [...parts];
      const bytes = Buffer.from(altered[index], 'base64url');
      bytes[bytes.length - 1] ^= 0x01;
      altered[index] = bytes.toString('base64url');
      expectOid4vcError(
        await rejection(openGrantCode(key, altered.join('.'), NOW)),
        'invalid_grant',
        'grant_code_invalid',
      );
    }
  });

  it('rejects a code sealed under another key, garbage, and a JWE of another type', async () => {
    const code = await sealGrantCode(key, payload);
    expectOid4vcError(
      await rejection(openGrantCode(randomBytes(32), code, NOW)),
      'invalid_grant',
      'grant_code_invalid',
    );
    expectOid4vcError(
      await rejection(openGrantCode(key, 'SplxlOBeZQQYbYS6WxSbIA', NOW)),
      'invalid_grant',
      'grant_code_invalid',
    );
    expectOid4vcError(await rejection(openGrantCode(key, '', NOW)), 'invalid_grant', 'grant_code_invalid');
    const foreign = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(key);
    expectOid4vcError(await rejection(openGrantCode(key, foreign, NOW)), 'invalid_grant', 'grant_code_invalid');
  });

  it('rejects an expired code', async () => {
    const code = await sealGrantCode(key, payload);
    await expect(openGrantCode(key, code, new Date((payload.exp - 1) * 1000))).resolves.toEqual(payload);
    const error = await rejection(openGrantCode(key, code, new Date(payload.exp * 1000)));
    expectOid4vcError(error, 'invalid_grant', 'grant_code_expired');
    expect(error.error_description).not.toContain('493536');
  });

  it('refuses a wrong key length or a malformed payload when sealing', async () => {
    expectOid4vcError(await rejection(sealGrantCode(randomBytes(16), payload)), 'server_error', 'grant_key_invalid');
    expectOid4vcError(await rejection(openGrantCode(randomBytes(31), 'x', NOW)), 'server_error', 'grant_key_invalid');
    const bad: unknown[] = [
      { ...payload, sid: '' },
      { ...payload, cfg: [] },
      { ...payload, exp: 1.5 },
      { ...payload, tx: { value: '' } },
      { ...payload, tx: { value: '1', input_mode: 'emoji' } },
    ];
    for (const p of bad) {
      expectOid4vcError(
        await rejection(sealGrantCode(key, p as GrantCodePayload)),
        'server_error',
        'grant_payload_invalid',
      );
    }
  });
});

describe('issuer_state sealed like a pre-authorized code', () => {
  const key = new Uint8Array(32).fill(7);
  const now = new Date('2026-11-28T12:00:00Z');
  const exp = Math.floor(now.getTime() / 1000) + 600;

  it('opens only for its own use, so neither can stand in for the other', async () => {
    const issuerState = await sealGrantCode(key, {
      sid: 's-1',
      exp,
      cfg: ['pid'],
      use: 'issuer_state',
      wa: true,
      ka: true,
      sub: 'aGFzaA',
    });
    await expect(openGrantCode(key, issuerState, now, 'issuer_state')).resolves.toEqual({
      sid: 's-1',
      exp,
      cfg: ['pid'],
      use: 'issuer_state',
      wa: true,
      ka: true,
      sub: 'aGFzaA',
    });
    expectOid4vcError(await rejection(openGrantCode(key, issuerState, now)), 'invalid_grant', 'grant_code_invalid');
    const preAuthorized = await sealGrantCode(key, { sid: 's-1', exp, cfg: ['pid'] });
    expectOid4vcError(
      await rejection(openGrantCode(key, preAuthorized, now, 'issuer_state')),
      'invalid_request',
      'issuer_state_invalid',
    );
  });

  it('answers an expired issuer_state with issuer_state_invalid', async () => {
    const issuerState = await sealGrantCode(key, { sid: 's-1', exp, cfg: ['pid'], use: 'issuer_state' });
    expectOid4vcError(
      await rejection(openGrantCode(key, issuerState, new Date((exp + 1) * 1000), 'issuer_state')),
      'invalid_request',
      'issuer_state_invalid',
    );
  });
});
