import { Module } from '@nestjs/common';
import { PlatformModule, readPlatformConfig, serve } from '@hallmark/platform';
import { AuditProjectorModule } from './audit-projector.module';

@Module({
  imports: [
    PlatformModule.forRoot({ processName: 'audit-projector', config: readPlatformConfig() }),
    AuditProjectorModule,
  ],
})
class AuditProjectorApp {}

void serve(AuditProjectorApp, { processName: 'audit-projector', port: Number(process.env.PORT ?? 8084) });
