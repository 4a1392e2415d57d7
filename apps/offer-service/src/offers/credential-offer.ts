import type { OfferCreatedV1 } from '@hallmark/contracts';

export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** The grant secrets sealed in offer_created; the offer reference lets an operator re-share the offer. */
export interface OfferSecrets {
  offer_ref: string;
  pre_authorized_code?: string;
  issuer_state?: string;
  tx_code?: string;
}

/** The credential offer object (OID4VCI 1.0 Section 4.1.1) as a wallet receives it. */
export function buildCredentialOffer(
  offer: Pick<OfferCreatedV1, 'credential_issuer' | 'credential_configuration_ids' | 'grant'>,
  secrets: OfferSecrets,
): Record<string, unknown> {
  const grants =
    offer.grant.type === 'pre-authorized_code'
      ? {
          [PRE_AUTHORIZED_GRANT]: {
            'pre-authorized_code': secrets.pre_authorized_code,
            ...(offer.grant.tx_code ? { tx_code: offer.grant.tx_code } : {}),
          },
        }
      : { authorization_code: { issuer_state: secrets.issuer_state } };
  return {
    credential_issuer: offer.credential_issuer,
    credential_configuration_ids: offer.credential_configuration_ids,
    grants,
  };
}

export const offerUris = (publicUrl: string, offerRef: string): { credential_offer_uri: string; offer_url: string } => {
  const credential_offer_uri = `${publicUrl}/offers/${offerRef}`;
  return {
    credential_offer_uri,
    offer_url: `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(credential_offer_uri)}`,
  };
};
