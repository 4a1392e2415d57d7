export { AuditProjectorModule } from './audit-projector.module';
