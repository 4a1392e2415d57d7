export { AuthorizationServerModule } from './authorization-server.module';
