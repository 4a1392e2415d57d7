export { CredentialServiceModule } from './credential-service.module';
