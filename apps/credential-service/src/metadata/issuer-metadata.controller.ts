import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { ISSUER_CONFIG, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { issuerMetadata } from './issuer-metadata';

@Controller('.well-known/openid-credential-issuer')
export class IssuerMetadataController {
  private readonly metadata: Record<string, unknown>;

  constructor(@Inject(ISSUER_CONFIG) config: IssuerConfig, @Inject(PLATFORM_CONFIG) platform: PlatformConfig) {
    this.metadata = issuerMetadata(config, platform.publicUrl);
  }

  @Get()
  @Header('cache-control', 'public, max-age=300')
  get(): Record<string, unknown> {
    return this.metadata;
  }
}
