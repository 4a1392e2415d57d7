import { Module } from '@nestjs/common';
import { PlatformModule, loadServiceConfig, serve } from '@hallmark/platform';
import { AuthorizationServerModule } from './authorization-server.module';

// Read and checked before anything starts: a missing or malformed variable exits here, named.
const config = loadServiceConfig('authorization-server');

@Module({
  imports: [PlatformModule.forRoot({ processName: 'authorization-server', config }), AuthorizationServerModule],
})
class App {}

void serve(App, { processName: 'authorization-server', port: config.port, trustProxyHops: config.trustProxyHops });
