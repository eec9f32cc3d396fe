import { randomUUID } from 'node:crypto';
import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IfMatch, LocationHeader, RequirePermission, VersionETagInterceptor } from 'nest-event-sourcing';
import { AddMember } from './commands/add-member.command';
import { RemoveMember } from './commands/remove-member.command';
import { MemberDto } from './dto/member.dto';
import { TodoList } from './todo-list.aggregate';
import { AddItem } from './commands/add-item.command';
import { ArchiveList } from './commands/archive-list.command';
import { ChangeItem, type ItemAction } from './commands/change-item.command';
import { CreateList } from './commands/create-list.command';
import type { ListCommandResult } from './commands/list-command-result';
import type { ListOperation } from './commands/list-operation.command';
import { RenameList } from './commands/rename-list.command';
import { RestoreList } from './commands/restore-list.command';
import { ItemAddedResponse, ListStateResponse } from './dto/list-responses';
import { ItemTextDto, ListTitleDto } from './dto/text.dto';
import { TodoItemNotFoundError } from './errors/todo-item-not-found.error';

const TITLE_TAKEN =
  'Another active list has this title, trimmed and in any case (ES_DOMAIN_RULE, rule list-title-taken).';

/** A command on an existing list: its state, If-Match honoured. */
function ListCommand(status = 200): MethodDecorator {
  return applyDecorators(
    HttpCode(status),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The ETag of the list ("<version>"): the command runs only if the list is still at it, else 412.',
    }),
    ApiPreconditionFailedResponse({ description: 'If-Match names another version (problem PRECONDITION_FAILED).' }),
    ApiUnprocessableEntityResponse({ description: 'The list is not archived, to restore (ES_DOMAIN_RULE).' }),
    ApiGoneResponse({ description: 'The list is archived (ES_AGGREGATE_DELETED): restore it first.' }),
    ApiConflictResponse({ description: TITLE_TAKEN }),
  );
}

/**
 * Commands on todo lists, their items and members. Every answer carries the list's
 * version as `ETag`. With AUTH_SECRET each route needs a bearer token and a permission
 * on the list (checked by the route, then again by the handler inside the append).
 */
@ApiTags('lists')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'With AUTH_SECRET: no valid bearer token (ES_UNAUTHENTICATED).' })
@ApiForbiddenResponse({ description: 'The user may not do this to the list (ES_PERMISSION_DENIED).' })
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'A repeat with the same body gets the first response.',
})
@ApiNotFoundResponse({ description: 'No such list (ES_AGGREGATE_NOT_FOUND) or item (NOT_FOUND).' })
@Controller('lists')
@UseInterceptors(VersionETagInterceptor)
export class ListsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @LocationHeader('/lists/:id')
  @ApiCreatedResponse({ type: ListStateResponse, description: 'Location: /lists/<id>; ETag: "<version>".' })
  @ApiConflictResponse({ description: TITLE_TAKEN })
  create(@Body() { title }: ListTitleDto): Promise<ListCommandResult> {
    return this.commands.execute(new CreateList(randomUUID(), title));
  }

  @Patch(':id')
  @ListCommand()
  @RequirePermission('manage', TodoList)
  @ApiOkResponse({ type: ListStateResponse, description: 'Renamed (a rename to the same title changes nothing).' })
  rename(@Param('id') id: string, @Body() { title }: ListTitleDto, @IfMatch() expected?: number) {
    return this.run(new RenameList(id, title, expected));
  }

  @Post(':id/items')
  @ListCommand(201)
  @RequirePermission('edit', TodoList)
  @LocationHeader('/lists/:id/items/:itemId')
  @ApiCreatedResponse({ type: ItemAddedResponse, description: 'Location: /lists/<id>/items/<itemId>.' })
  async addItem(
    @Param('id') id: string,
    @Body() { text }: ItemTextDto,
    @IfMatch() expected?: number,
  ): Promise<ItemAddedResponse> {
    const itemId = randomUUID();
    return { ...(await this.run(new AddItem(id, itemId, text, expected))), itemId };
  }

  @Post(':id/items/:itemId/complete')
  @ListCommand()
  @RequirePermission('edit', TodoList)
  @ApiOkResponse({ type: ListStateResponse, description: 'Completed (completing a completed item changes nothing).' })
  complete(@Param('id') id: string, @Param('itemId') itemId: string, @IfMatch() expected?: number) {
    return this.changeItem(id, itemId, 'complete', expected);
  }

  @Post(':id/items/:itemId/reopen')
  @ListCommand()
  @RequirePermission('edit', TodoList)
  @ApiOkResponse({ type: ListStateResponse, description: 'Reopened (reopening an open item changes nothing).' })
  reopen(@Param('id') id: string, @Param('itemId') itemId: string, @IfMatch() expected?: number) {
    return this.changeItem(id, itemId, 'reopen', expected);
  }

  @Delete(':id/items/:itemId')
  @ListCommand()
  @RequirePermission('edit', TodoList)
  @ApiOkResponse({ type: ListStateResponse, description: 'Removed.' })
  remove(@Param('id') id: string, @Param('itemId') itemId: string, @IfMatch() expected?: number) {
    return this.changeItem(id, itemId, 'remove', expected);
  }

  @Post(':id/archive')
  @ListCommand()
  @RequirePermission('manage', TodoList)
  @ApiOkResponse({
    type: ListStateResponse,
    description: 'Archived (soft-deleted): kept, but takes no changes until restored.',
  })
  archive(@Param('id') id: string, @IfMatch() expected?: number) {
    return this.run(new ArchiveList(id, expected));
  }

  @Post(':id/restore')
  @ListCommand()
  @RequirePermission('manage', TodoList)
  @ApiOkResponse({ type: ListStateResponse, description: 'Restored, with its items.' })
  restore(@Param('id') id: string, @IfMatch() expected?: number) {
    return this.run(new RestoreList(id, expected));
  }

  @Post(':id/members')
  @ListCommand()
  @RequirePermission('manage', TodoList)
  @ApiOkResponse({ type: ListStateResponse, description: 'The user is a viewer or an editor (the creator only).' })
  addMember(@Param('id') id: string, @Body() { userId, role }: MemberDto, @IfMatch() expected?: number) {
    return this.run(new AddMember(id, userId, role, expected));
  }

  @Delete(':id/members/:userId')
  @ListCommand()
  @RequirePermission('manage', TodoList)
  @ApiOkResponse({ type: ListStateResponse, description: 'The member lost their role (the creator only).' })
  removeMember(@Param('id') id: string, @Param('userId') userId: string, @IfMatch() expected?: number) {
    return this.run(new RemoveMember(id, userId, expected));
  }

  private changeItem(id: string, itemId: string, action: ItemAction, expected?: number) {
    return this.run(new ChangeItem(id, itemId, action, expected));
  }

  private async run(command: ListOperation): Promise<ListCommandResult> {
    try {
      return await this.commands.execute(command);
    } catch (error) {
      // An item in the URL that does not exist is a missing resource, not a broken rule.
      if (error instanceof TodoItemNotFoundError) throw new NotFoundException(error.message, { cause: error });
      throw error;
    }
  }
}
