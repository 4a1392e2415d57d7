import { Controller, Get, Header, Headers, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssuerConfig } from '@hallmark/issuer-config';
import type { IssuerKeys } from '@hallmark/issuer-keys';
import { OAuthError, ISSUER_CONFIG, ISSUER_KEYS, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { issuerMetadata } from './issuer-metadata';
import { signIssuerMetadata, wantsSignedMetadata } from './signed-metadata';

/**
 * Credential issuer metadata (OID4VCI 1.0 Section 12.2.2): for an issuer identifier with a path
 * (`https://host/tenant`), the well-known segment goes before it:
 * `/.well-known/openid-credential-issuer/tenant`. The gateway then maps the issuer's other
 * paths (`/tenant/credential`) to the service. `Accept: application/jwt` asks for it signed
 * (Section 12.2.3), with the metadata signing key (by default the credential signing key) and its x5c chain.
 */
@Controller('.well-known/openid-credential-issuer')
export class IssuerMetadataController {
  private readonly metadata: Record<string, unknown>;
  private readonly issuerPath: string;

  constructor(
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    @Inject(PLATFORM_CONFIG) platform: PlatformConfig,
    @Inject(ISSUER_KEYS) private readonly keys: IssuerKeys,
  ) {
    this.metadata = issuerMetadata(config, platform.publicUrl, {
      jwk: keys.credentialEncryption.publicJwk,
      required: platform.credentialEncryptionRequired,
    });
    this.issuerPath = new URL(platform.publicUrl).pathname.replace(/\/$/, '');
  }

  @Get()
  @Header('cache-control', 'public, max-age=300')
  @Header('vary', 'Accept')
  get(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown> | string> {
    if (this.issuerPath) throw this.notHere();
    return this.answer(accept, reply);
  }

  @Get('*')
  @Header('cache-control', 'public, max-age=300')
  @Header('vary', 'Accept')
  getForPath(
    @Req() request: FastifyRequest,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown> | string> {
    const requested = new URL(request.url, 'http://x').pathname
      .replace('/.well-known/openid-credential-issuer', '')
      .replace(/\/$/, '');
    if (requested !== this.issuerPath) throw this.notHere();
    return this.answer(accept, reply);
  }

  /** JSON unless the wallet prefers the signed form; signed per request, so `iat` says when it was served. */
  private async answer(accept: string | undefined, reply: FastifyReply): Promise<Record<string, unknown> | string> {
    if (!wantsSignedMetadata(accept)) return this.metadata;
    const jwt = await signIssuerMetadata(this.metadata, this.keys.metadataSigning, new Date());
    reply.header('content-type', 'application/jwt');
    return jwt;
  }

  private notHere(): OAuthError {
    return new OAuthError(
      404,
      'not_found',
      `the metadata of this issuer is at /.well-known/openid-credential-issuer${this.issuerPath}`,
    );
  }
}
