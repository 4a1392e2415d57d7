import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { OAuthError, ISSUER_CONFIG, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { issuerMetadata } from './issuer-metadata';

/**
 * Credential issuer metadata (OID4VCI 1.0 Section 12.2.2): for an issuer identifier with a path
 * (`https://host/tenant`), the well-known segment goes before it:
 * `/.well-known/openid-credential-issuer/tenant`. The gateway then maps the issuer's other
 * paths (`/tenant/credential`) to the service.
 */
@Controller('.well-known/openid-credential-issuer')
export class IssuerMetadataController {
  private readonly metadata: Record<string, unknown>;
  private readonly issuerPath: string;

  constructor(@Inject(ISSUER_CONFIG) config: IssuerConfig, @Inject(PLATFORM_CONFIG) platform: PlatformConfig) {
    this.metadata = issuerMetadata(config, platform.publicUrl);
    this.issuerPath = new URL(platform.publicUrl).pathname.replace(/\/$/, '');
  }

  @Get()
  @Header('cache-control', 'public, max-age=300')
  get(): Record<string, unknown> {
    if (this.issuerPath) throw this.notHere();
    return this.metadata;
  }

  @Get('*')
  @Header('cache-control', 'public, max-age=300')
  getForPath(@Req() request: FastifyRequest): Record<string, unknown> {
    const requested = new URL(request.url, 'http://x').pathname
      .replace('/.well-known/openid-credential-issuer', '')
      .replace(/\/$/, '');
    if (requested !== this.issuerPath) throw this.notHere();
    return this.metadata;
  }

  private notHere(): OAuthError {
    return new OAuthError(
      404,
      'not_found',
      `the metadata of this issuer is at /.well-known/openid-credential-issuer${this.issuerPath}`,
    );
  }
}
