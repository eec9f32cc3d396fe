import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminOnly, DeleteAggregate } from 'nest-event-sourcing';
import { TodoList } from './todo-list.aggregate';

/**
 * Operator routes on lists, behind the admin token like the library's own (`/events`,
 * `/admin/...`): a hard delete, for data that must go.
 */
@ApiTags('lists')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No or a wrong `Authorization: Bearer <ADMIN_TOKEN>`.' })
@Controller('lists')
@AdminOnly()
export class ListsOperatorController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Hard-deletes a list, archived or not: its events are removed from the store and its id
   * can never be used again. The read model drops it (GET answers 404 once the projection
   * has caught up), and a rebuild does not bring it back. A repeat answers 204 again.
   */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted for good.' })
  @ApiNotFoundResponse({
    description: 'No such list (ES_AGGREGATE_NOT_FOUND), or the operator routes are off (no ADMIN_TOKEN).',
  })
  async hardDelete(@Param('id') id: string): Promise<void> {
    await this.commands.execute(new DeleteAggregate(TodoList, id, { mode: 'hard', reason: 'DELETE /lists/:id' }));
  }
}
