import { Module } from '@nestjs/common';
import { AdminPageController } from './admin-page.controller';
import { OperatorEventsController } from './operator-events.controller';
import { OperatorStreamsController } from './operator-streams.controller';
import { OperatorSubscriptionsController } from './operator-subscriptions.controller';
import { OperatorPermissionsController } from './operator-permissions.controller';
import { StreamInspector } from './stream-inspector';

/**
 * The operator routes and the admin page, behind the admin token of
 * `EventSourcingHttpModule` (`Authorization: Bearer <adminToken>`; every route answers
 * 404 while no token is configured):
 *
 * - `GET /events`: the store's `queryEvents` (types, streams, stream types, version and
 *   position ranges, `since`/`until` as "3 days" or ISO times, correlation id, OR groups
 *   in `any`, limit, order);
 * - `GET /admin/streams/:streamId`: a stream's type, version, deleted flag and snapshot;
 * - `GET /admin/subscriptions`, `POST /admin/subscriptions/rebuild` (all) and
 *   `…/:name/rebuild`, `…/:name/tenants/:tenantId/rebuild` (one tenant), `GET …/parked`,
 *   `POST …/:name/parked/:eventId/retry`, `DELETE …/:name/parked/:eventId`;
 * - `POST /admin/permissions/rebuild` (`?tenantId=` for one): the permissions read model
 *   recomputed from its events, where `EventSourcingAccessModule` is imported;
 * - `GET /admin`: a web page over all of them.
 *
 * With `@nestjs/swagger` installed the routes are documented (tag `operator`).
 * Import it beside `EventSourcingModule.forRoot` and `EventSourcingHttpModule.forRoot`.
 * @example
 * imports: [
 *   EventSourcingModule.forRoot({ database: process.env.DATABASE_URL }),
 *   EventSourcingHttpModule.forRoot({ adminToken: process.env.ADMIN_TOKEN }),
 *   EventSourcingOperatorModule,
 * ]
 */
@Module({
  controllers: [
    OperatorEventsController,
    OperatorStreamsController,
    OperatorSubscriptionsController,
    OperatorPermissionsController,
    AdminPageController,
  ],
  providers: [StreamInspector],
  exports: [StreamInspector],
})
export class EventSourcingOperatorModule {}
