import { EventSourcingModule } from 'nest-event-sourcing';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CreateListHandler } from './commands/create-list.handler';
import {
  AddItemHandler,
  ArchiveListHandler,
  ChangeItemHandler,
  RenameListHandler,
  RestoreListHandler,
} from './commands/list-operation.handler';
import { AddMemberHandler, RemoveMemberHandler } from './commands/member.handlers';
import { ListsController } from './lists.controller';
import { ListsOperatorController } from './lists-operator.controller';
import { TodoItemView } from './projections/todo-item-view.entity';
import { TodoListView } from './projections/todo-list-view.entity';
import { TodoListsProjection } from './projections/todo-lists.projection';
import { ListQueriesController } from './queries/list-queries.controller';
import { TodoList } from './todo-list.aggregate';

@Module({
  imports: [
    TypeOrmModule.forFeature([TodoListView, TodoItemView]),
    EventSourcingModule.forFeature({ aggregates: [TodoList], projections: [TodoListsProjection] }),
  ],
  controllers: [ListsController, ListsOperatorController, ListQueriesController],
  providers: [
    CreateListHandler,
    RenameListHandler,
    AddItemHandler,
    ChangeItemHandler,
    ArchiveListHandler,
    RestoreListHandler,
    AddMemberHandler,
    RemoveMemberHandler,
  ],
})
export class ListsModule {}
