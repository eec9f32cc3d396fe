import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';

/** Routes for operators, behind the admin token. */
@Module({ controllers: [EventsController] })
export class OperatorModule {}
