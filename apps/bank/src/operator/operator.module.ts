import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { SubscriptionsController } from './subscriptions.controller';

/** Routes for operators, behind the admin token. */
@Module({ controllers: [EventsController, SubscriptionsController] })
export class OperatorModule {}
