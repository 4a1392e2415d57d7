import { Module } from '@nestjs/common';
import { PlatformModule, readPlatformConfig, serve } from '@hallmark/platform';
import { CredentialServiceModule } from './credential-service.module';

@Module({
  imports: [
    PlatformModule.forRoot({ processName: 'credential-service', config: readPlatformConfig() }),
    CredentialServiceModule,
  ],
})
class App {}

void serve(App, { processName: 'credential-service', port: Number(process.env.PORT ?? 8083) });
