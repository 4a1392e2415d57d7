import { Oid4vcError } from './errors';
import { isObject, isPrivateOrSymmetricJwk, jwkThumbprint, publicJwk, type JWK } from './jwk';
import { decodeCompactJwsHeader, epochSeconds, isMediaType, isNumericDate, verifyCompactJws } from './jws';
import { verifyTrustedJwt, type TrustList } from './trusted-jwt';

export interface VerifyClientAttestationOptions {
  /** The `OAuth-Client-Attestation` header. */
  attestation: string | undefined;
  /** The `OAuth-Client-Attestation-PoP` header. */
  pop: string | undefined;
  /** The client_id of the request, when it sent one (it must equal the attestation's `sub`). */
  clientId: string | undefined;
  /** The authorization server's issuer identifier (the PoP's `aud`). */
  audience: string;
  trustedWalletProviders: TrustList;
  now: Date;
  /** When set, the PoP must carry one of these server challenges. */
  expectedChallenges?: string[];
  maxPopAgeSeconds?: number;
  clockSkewSeconds?: number;
}

export interface VerifiedClientAttestation {
  clientId: string;
  /** The wallet provider (`iss` of the attestation). */
  walletProvider: string;
  trustedBy: string;
  /** Thumbprint of the wallet instance key (`cnf.jwk`): refresh tokens may be bound to it. */
  instanceJkt: string;
  /** The PoP's `jti`, for the caller's replay ledger. */
  popJti: string;
  walletName?: string;
}

/**
 * Attestation-based client authentication (draft-ietf-oauth-attestation-based-client-auth-07,
 * HAIP 1.0 Section 4.3): a wallet attestation signed by a trusted wallet provider, and a PoP
 * signed by the attested instance key for this server, fresh and with the server's challenge
 * when one is asked for. The caller records `popJti` to refuse replays.
 */
export async function verifyClientAttestation(
  options: VerifyClientAttestationOptions,
): Promise<VerifiedClientAttestation> {
  const { now } = options;
  const skew = options.clockSkewSeconds ?? 30;
  const maxAge = options.maxPopAgeSeconds ?? 300;
  if (!options.attestation || !options.pop) {
    throw new Oid4vcError(
      'client_attestation_missing',
      options.attestation
        ? 'OAuth-Client-Attestation-PoP is missing'
        : options.pop
          ? 'OAuth-Client-Attestation is missing'
          : undefined,
    );
  }
  const attestation = await verifyTrustedJwt(options.attestation, {
    typ: 'oauth-client-attestation+jwt',
    trust: options.trustedWalletProviders,
    now,
    reasons: {
      malformed: 'client_attestation_invalid',
      untrusted: 'client_attestation_untrusted',
      expired: 'client_attestation_expired',
    },
  });
  const { iss, sub, exp, cnf } = attestation.payload;
  if (typeof iss !== 'string' || !iss) throw new Oid4vcError('client_attestation_invalid', 'iss is missing');
  if (typeof sub !== 'string' || !sub) throw new Oid4vcError('client_attestation_invalid', 'sub is missing');
  if (!isNumericDate(exp)) throw new Oid4vcError('client_attestation_invalid', 'exp is missing');
  const cnfJwk = isObject(cnf) ? cnf.jwk : undefined;
  if (isPrivateOrSymmetricJwk(cnfJwk) || !publicJwk(cnfJwk))
    throw new Oid4vcError('client_attestation_invalid', 'cnf.jwk is not a public key');
  const instanceKey = publicJwk(cnfJwk) as JWK;
  if (options.clientId !== undefined && options.clientId !== sub)
    throw new Oid4vcError('client_attestation_client_id_mismatch', undefined, {
      expected: sub,
      provided: options.clientId,
    });

  const popHeader = decodeCompactJwsHeader(options.pop, 16 * 1024);
  if (
    !popHeader ||
    typeof popHeader.typ !== 'string' ||
    !isMediaType(popHeader.typ, 'oauth-client-attestation-pop+jwt') ||
    typeof popHeader.alg !== 'string'
  ) {
    throw new Oid4vcError('client_attestation_pop_invalid', 'typ must be oauth-client-attestation-pop+jwt');
  }
  const checked = await verifyCompactJws(options.pop, instanceKey, popHeader.alg);
  if (!checked.ok || !checked.payload)
    throw new Oid4vcError(
      'client_attestation_pop_invalid',
      'the signature does not verify with cnf.jwk of the attestation',
    );
  const pop = checked.payload;
  if (pop.iss !== undefined && pop.iss !== sub)
    throw new Oid4vcError('client_attestation_pop_invalid', 'iss is not the attestation sub');
  const audiences = Array.isArray(pop.aud) ? pop.aud : [pop.aud];
  if (!audiences.includes(options.audience))
    throw new Oid4vcError('client_attestation_pop_audience', undefined, {
      expected: options.audience,
      provided: pop.aud,
    });
  if (typeof pop.jti !== 'string' || !pop.jti)
    throw new Oid4vcError('client_attestation_pop_invalid', 'jti is missing');
  if (!isNumericDate(pop.iat)) throw new Oid4vcError('client_attestation_pop_invalid', 'iat is missing');
  const nowSeconds = epochSeconds(now);
  if (nowSeconds - pop.iat > maxAge || pop.iat - nowSeconds > skew)
    throw new Oid4vcError('client_attestation_pop_stale', `iat is ${Math.round(nowSeconds - pop.iat)} s from now`);
  if (isNumericDate(pop.exp) && pop.exp <= nowSeconds)
    throw new Oid4vcError('client_attestation_pop_stale', 'exp is in the past');
  if (options.expectedChallenges) {
    // Draft 07 names it `challenge`; earlier drafts (and some wallets) send `nonce`.
    const challenge = pop.challenge ?? pop.nonce;
    if (typeof challenge !== 'string' || !options.expectedChallenges.includes(challenge))
      throw new Oid4vcError('client_attestation_challenge_required');
  }
  return {
    clientId: sub,
    walletProvider: iss,
    trustedBy: attestation.trustedBy,
    instanceJkt: await jwkThumbprint(instanceKey),
    popJti: pop.jti,
    ...(typeof attestation.payload.wallet_name === 'string'
      ? { walletName: attestation.payload.wallet_name.slice(0, 100) }
      : {}),
  };
}
