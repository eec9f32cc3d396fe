import {
  MessageContext,
  PermissionChecker,
  RequirePermission,
  Subscriptions,
  VersionETagInterceptor,
} from 'nest-event-sourcing';
import { Controller, Get, Header, NotFoundException, Param, Query, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { And, In, MoreThan, Repository, type FindOperator } from 'typeorm';
import { LIST } from '../list-access';
import { TodoList } from '../todo-list.aggregate';
import { TodoItemView } from '../projections/todo-item-view.entity';
import { TodoListView } from '../projections/todo-list-view.entity';
import { TODO_LISTS_PROJECTION } from '../projections/todo-lists.projection';
import { ListListsQuery, ReadListQuery } from './list-queries.dto';
import {
  TodoListPageResponse,
  TodoListResponse,
  type TodoItemResponse,
  type TodoListSummaryResponse,
} from './list-view-responses';

/** Lists per page of `GET /lists` when no `limit` is given. */
const DEFAULT_PAGE_SIZE = 20;

/**
 * Reads of the todo lists read model, kept by `TodoListsProjection`. The model trails
 * the commands by milliseconds: pass the `position` a command answered as `minPosition`
 * to read your own write.
 */
@ApiTags('lists')
@ApiBadRequestResponse({ description: 'A malformed or unknown query parameter (VALIDATION_FAILED).' })
@ApiServiceUnavailableResponse({
  description: 'The read model did not reach minPosition within 5 s (ES_WAIT_TIMEOUT).',
})
@Controller('lists')
@UseInterceptors(VersionETagInterceptor)
export class ListQueriesController {
  constructor(
    @InjectRepository(TodoListView) private readonly lists: Repository<TodoListView>,
    private readonly subscriptions: Subscriptions,
    private readonly permissions: PermissionChecker,
    private readonly context: MessageContext,
  ) {}

  @Get()
  @ApiOkResponse({
    type: TodoListPageResponse,
    description: 'The active lists (or archived ones) the user may view, by id.',
  })
  async list(@Query() query: ListListsQuery): Promise<TodoListPageResponse> {
    await this.readYourWrites(query);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const viewable = await this.permissions.aggregatesWith('view', LIST);
    const conditions: FindOperator<string>[] = [];
    // typeorm types In as FindOperator<any>; it matches ids, strings.
    if (viewable !== 'all') conditions.push(In(viewable) as FindOperator<string>);
    if (query.after) conditions.push(MoreThan<string>(query.after));
    const rows = await this.lists.find({
      where: {
        ...this.tenant(),
        status: query.archived ? 'archived' : 'active',
        ...(conditions.length > 0 ? { id: conditions.length === 1 ? conditions[0] : And(...conditions) } : {}),
      },
      order: { id: 'ASC' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit).map(toSummary);
    return { items, next: rows.length > limit ? items.at(-1)!.id : null };
  }

  @Get(':id')
  @RequirePermission('view', TodoList)
  @Header('Cache-Control', 'no-cache')
  @ApiOkResponse({
    type: TodoListResponse,
    description: 'The list, archived or not, with its items; ETag: "<version>".',
  })
  @ApiNotFoundResponse({ description: 'No such list in the read model (NOT_FOUND).' })
  async get(@Param('id') id: string, @Query() query: ReadListQuery): Promise<TodoListResponse> {
    await this.readYourWrites(query);
    // One snapshot for both reads, so the items are those of the version sent as ETag.
    return this.lists.manager.transaction('REPEATABLE READ', async (manager) => {
      const list = await manager.findOneBy(TodoListView, { id, ...this.tenant() });
      if (!list) throw new NotFoundException(`No todo list has the id "${id}".`);
      const items = await manager.find(TodoItemView, { where: { listId: id }, order: { addedVersion: 'ASC' } });
      return { ...toSummary(list), items: items.map(toItem) };
    });
  }

  /** The request's tenant, when it has one: the read model shows that tenant's lists alone. */
  private tenant(): { tenantId?: string } {
    const tenantId = this.context.current()?.tenantId;
    return tenantId === undefined ? {} : { tenantId };
  }

  /** Waits until the projection has applied the caller's own write (ES_WAIT_TIMEOUT after 5 s). */
  private async readYourWrites({ minPosition }: ReadListQuery): Promise<void> {
    if (minPosition) await this.subscriptions.waitFor(TODO_LISTS_PROJECTION, minPosition, { timeoutMs: 5_000 });
  }
}

function toSummary(list: TodoListView): TodoListSummaryResponse {
  const { id, title, status, version, itemCount, completedCount, updatedAt } = list;
  return { id, title, status, version, itemCount, completedCount, updatedAt };
}

function toItem({ id, text, done, completedAt }: TodoItemView): TodoItemResponse {
  return { id, text, done, completedAt };
}
