import { Module } from '@nestjs/common';
import { PlatformModule, readPlatformConfig, serve } from '@hallmark/platform';
import { AuthorizationServerModule } from './authorization-server.module';

@Module({
  imports: [
    PlatformModule.forRoot({ processName: 'authorization-server', config: readPlatformConfig() }),
    AuthorizationServerModule,
  ],
})
class App {}

void serve(App, { processName: 'authorization-server', port: Number(process.env.PORT ?? 8082) });
