import { Module } from '@nestjs/common';
import { PlatformModule, loadServiceConfig, serve } from '@hallmark/platform';
import { CredentialServiceModule } from './credential-service.module';

// Read and checked before anything starts: a missing or malformed variable exits here, named.
const config = loadServiceConfig('credential-service');

@Module({
  imports: [PlatformModule.forRoot({ processName: 'credential-service', config }), CredentialServiceModule],
})
class App {}

void serve(App, { processName: 'credential-service', port: config.port, trustProxyHops: config.trustProxyHops });
