import { EventSourcingModule } from '@app/event-sourcing';
import { Module } from '@nestjs/common';
import { CreateListHandler } from './commands/create-list.handler';
import {
  AddItemHandler,
  ArchiveListHandler,
  ChangeItemHandler,
  RenameListHandler,
  RestoreListHandler,
} from './commands/list-operation.handler';
import { ListsController } from './lists.controller';
import { TodoList } from './todo-list.aggregate';

// The read models (GET /lists, GET /lists/:id) come with the projections.
@Module({
  imports: [EventSourcingModule.forFeature({ aggregates: [TodoList] })],
  controllers: [ListsController],
  providers: [
    CreateListHandler,
    RenameListHandler,
    AddItemHandler,
    ChangeItemHandler,
    ArchiveListHandler,
    RestoreListHandler,
  ],
})
export class ListsModule {}
