import { Module } from '@nestjs/common';
import { PlatformModule, loadServiceConfig, serve } from '@hallmark/platform';
import { AuditProjectorModule } from './audit-projector.module';

// Read and checked before anything starts: a missing or malformed variable exits here, named.
const config = loadServiceConfig('audit-projector');

@Module({
  imports: [PlatformModule.forRoot({ processName: 'audit-projector', config }), AuditProjectorModule],
})
class AuditProjectorApp {}

void serve(AuditProjectorApp, {
  processName: 'audit-projector',
  port: config.port,
  trustProxyHops: config.trustProxyHops,
});
