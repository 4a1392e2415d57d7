import { Inject, Injectable } from '@nestjs/common';
import type { AuthorizationRequestSummary } from '@hallmark/contracts';
import type { IssuerConfig } from '@hallmark/issuer-config';
import type { Oid4vcError } from '@hallmark/oid4vc';
import { ISSUER_CONFIG, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { AuthorizationRequestError } from './authorization-request';
import { SealedHandles } from './sealed-handles';

/** Adds query parameters to a redirect URI, keeping the ones it has (RFC 6749 Section 3.1.2). */
export function withQuery(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * Where the authorization endpoint sends the user agent back to the wallet: the authorization
 * response (RFC 6749 Section 4.1.2) or an error response, with the wallet's `state` and `iss`
 * (RFC 9207), to the redirect URI of the request or the client's registered one.
 */
@Injectable()
export class AuthorizationResponses {
  constructor(
    private readonly handles: SealedHandles,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ISSUER_CONFIG) private readonly issuer: IssuerConfig,
  ) {}

  /** The client's first registered redirect URI, where a request that named none is answered. */
  registeredRedirectUri(clientId: string | undefined): string | null {
    return this.issuer.authorization?.clients?.find((c) => c.client_id === clientId)?.redirect_uris[0] ?? null;
  }

  redirectOf(summary: AuthorizationRequestSummary): string | null {
    return summary.redirect_uri ?? this.registeredRedirectUri(summary.client_id);
  }

  stateOf(summary: AuthorizationRequestSummary): Promise<string | null> {
    return this.handles.openValue(summary.state_sealed);
  }

  /** The authorization response (RFC 6749 Section 4.1.2) with `iss` (RFC 9207). */
  async responseLocation(summary: AuthorizationRequestSummary, params: Record<string, string>): Promise<string> {
    const state = await this.stateOf(summary);
    return withQuery(this.redirectOf(summary)!, {
      ...params,
      ...(state === null ? {} : { state }),
      iss: this.config.publicUrl,
    });
  }

  errorLocation(redirectUri: string, rejection: Oid4vcError, state: string | null): string {
    return withQuery(redirectUri, {
      error: rejection.error,
      error_description: rejection.error_description,
      ...(state === null ? {} : { state }),
      iss: this.config.publicUrl,
    });
  }

  /** A refusal of a known authorization, answered by redirect to the wallet. */
  async refusal(
    summary: AuthorizationRequestSummary,
    rejection: Oid4vcError,
    recorded: boolean,
  ): Promise<AuthorizationRequestError> {
    return new AuthorizationRequestError(
      rejection,
      this.redirectOf(summary),
      summary.client_id,
      await this.stateOf(summary),
      recorded,
    );
  }
}
