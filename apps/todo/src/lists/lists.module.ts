import { EventSourcingModule } from '@app/event-sourcing';
import { Module } from '@nestjs/common';
import { TodoList } from './todo-list.aggregate';

// The HTTP routes and read models of the todo app come with the sample-apps work.
@Module({
  imports: [EventSourcingModule.forFeature({ aggregates: [TodoList] })],
})
export class ListsModule {}
