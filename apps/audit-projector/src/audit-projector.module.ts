import { Module } from '@nestjs/common';
import { ServiceStoreModule } from '@hallmark/platform';
import { OpenApiController } from './admin/openapi.controller';
import { SessionsQueryController } from './admin/sessions-query.controller';
import { AuditProjections1732780002000 } from './migrations/1732780002000-audit-projections';
import { UnattributedRequests1732780007000 } from './migrations/1732780007000-unattributed-requests';
import { RequestsQueryController } from './admin/requests-query.controller';
import { SessionStreamController } from './admin/session-stream.controller';
import { TimelineNotifications } from './session-timeline/timeline-notifications';
import { SessionProjectionConsumer } from './session-projection.consumer';

/** Consumes every event into the session inspection projections and serves the auditors' queries. */
@Module({
  imports: [
    ServiceStoreModule.forService({
      service: 'audit-projector',
      schema: 'hallmark_audit',
      migrations: [AuditProjections1732780002000, UnattributedRequests1732780007000],
      publishes: false,
    }),
  ],
  controllers: [
    OpenApiController,
    SessionStreamController,
    SessionsQueryController,
    RequestsQueryController,
    SessionProjectionConsumer,
  ],
  providers: [TimelineNotifications],
})
export class AuditProjectorModule {}
