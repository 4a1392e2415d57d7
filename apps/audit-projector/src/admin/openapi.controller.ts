import { Controller, Get, Inject } from '@nestjs/common';
import { adminOpenApiDocument } from '@hallmark/contracts';
import { PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';

/** The admin API description, public so tooling can fetch it without a token. */
@Controller('admin/openapi.json')
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.document = adminOpenApiDocument(config.publicUrl);
  }

  @Get()
  get(): Record<string, unknown> {
    return this.document;
  }
}
