import {
  On,
  Projection,
  StreamDeleted,
  StreamRestored,
  StreamTombstoned,
  type EventEnvelope,
  type ProjectionContext,
  type ProjectionTenantReset,
} from 'nest-event-sourcing';
import type { EntityManager } from 'typeorm';
import { TodoItemAdded } from '../events/todo-item-added.event';
import { TodoItemCompleted } from '../events/todo-item-completed.event';
import { TodoItemRemoved } from '../events/todo-item-removed.event';
import { TodoItemReopened } from '../events/todo-item-reopened.event';
import { TodoListArchived } from '../events/todo-list-archived.event';
import { TodoListCreated } from '../events/todo-list-created.event';
import { TodoListRenamed } from '../events/todo-list-renamed.event';
import { TodoListRestored } from '../events/todo-list-restored.event';
import { TodoItemView } from './todo-item-view.entity';
import { TodoListView } from './todo-list-view.entity';

/** The subscriber name of {@link TodoListsProjection}: its checkpoint, and what reads wait on. */
export const TODO_LISTS_PROJECTION = 'todo-lists';

/** The stream type of lists (`@Aggregate('todolist')`): a list's stream is `todolist-<id>`. */
const LIST_STREAM_TYPE = 'todolist';

/** An event of one list, as every todo event is. */
type ListEvent = EventEnvelope<{ listId: string }>;

/** What an event does to a list's counts of items and of done items. */
interface CountChange {
  items?: number;
  completed?: number;
}

/**
 * The todo lists as the API reads them (title, status, version, counts) and their items.
 * Async: each batch of events commits with the checkpoint, so nothing is applied twice.
 * A rebuild empties the items before the lists (the items refer to their list).
 */
@Projection(TODO_LISTS_PROJECTION, { readModels: [TodoItemView, TodoListView] })
export class TodoListsProjection implements ProjectionTenantReset {
  @On(TodoListCreated)
  async created(
    { data, version, createdAt, metadata }: EventEnvelope<TodoListCreated>,
    { manager }: ProjectionContext,
  ) {
    await manager.insert(TodoListView, {
      id: data.listId,
      // The tenant the store stamped the event with (docs/tenancy.md); none without tenancy.
      tenantId: typeof metadata.tenantId === 'string' ? metadata.tenantId : null,
      title: data.title,
      status: 'active',
      version,
      itemCount: 0,
      completedCount: 0,
      createdAt,
      updatedAt: createdAt,
    });
  }

  @On(TodoListRenamed)
  async renamed(event: EventEnvelope<TodoListRenamed>, { manager }: ProjectionContext) {
    await this.touch(manager, event, { title: event.data.title });
  }

  @On(TodoListArchived)
  async archived(event: EventEnvelope<TodoListArchived>, { manager }: ProjectionContext) {
    await this.touch(manager, event, { status: 'archived' });
  }

  @On(TodoListRestored)
  async restored(event: EventEnvelope<TodoListRestored>, { manager }: ProjectionContext) {
    await this.touch(manager, event, { status: 'active' });
  }

  @On(TodoItemAdded)
  async itemAdded(event: EventEnvelope<TodoItemAdded>, { manager }: ProjectionContext) {
    const { listId, itemId, text } = event.data;
    await manager.insert(TodoItemView, {
      listId,
      id: itemId,
      text,
      done: false,
      completedAt: null,
      addedVersion: event.version,
    });
    await this.touch(manager, event, {}, { items: 1 });
  }

  @On(TodoItemCompleted)
  async itemCompleted(event: EventEnvelope<TodoItemCompleted>, { manager }: ProjectionContext) {
    const { listId, itemId, completedAt } = event.data;
    // Counted only when the item really changes, so the counts cannot drift.
    const { affected } = await manager.update(
      TodoItemView,
      { listId, id: itemId, done: false },
      { done: true, completedAt },
    );
    await this.touch(manager, event, {}, { completed: affected ?? 0 });
  }

  @On(TodoItemReopened)
  async itemReopened(event: EventEnvelope<TodoItemReopened>, { manager }: ProjectionContext) {
    const { listId, itemId } = event.data;
    const { affected } = await manager.update(
      TodoItemView,
      { listId, id: itemId, done: true },
      { done: false, completedAt: null },
    );
    await this.touch(manager, event, {}, { completed: -(affected ?? 0) });
  }

  @On(TodoItemRemoved)
  async itemRemoved(event: EventEnvelope<TodoItemRemoved>, { manager }: ProjectionContext) {
    const { listId, itemId } = event.data;
    const deleted = await manager
      .createQueryBuilder()
      .delete()
      .from(TodoItemView)
      .where({ listId, id: itemId })
      .returning(['done'])
      .execute();
    const rows = deleted.raw as { done: boolean }[];
    await this.touch(manager, event, {}, { items: -rows.length, completed: -rows.filter((r) => r.done).length });
  }

  /**
   * The store's soft delete or restore after an archive or restore: only the version moves,
   * so that the read model's version stays the list's ETag.
   */
  @On(StreamDeleted)
  @On(StreamRestored)
  async lifecycle(event: EventEnvelope<StreamDeleted | StreamRestored>, { manager }: ProjectionContext) {
    if (!event.streamId.startsWith(`${LIST_STREAM_TYPE}-`)) return;
    const listId = event.streamId.slice(LIST_STREAM_TYPE.length + 1);
    await this.touch(manager, { ...event, data: { listId } }, {});
  }

  /**
   * A list hard-deleted (`DELETE /lists/:id`): its rows go. Its events are gone from the
   * store and this event stays, so a rebuild does not bring the list back.
   */
  @On(StreamTombstoned)
  async tombstoned({ data }: EventEnvelope<StreamTombstoned>, { manager }: ProjectionContext) {
    if (data.streamType !== LIST_STREAM_TYPE) return;
    const id = data.streamId.slice(LIST_STREAM_TYPE.length + 1);
    await manager.delete(TodoItemView, { listId: id });
    await manager.delete(TodoListView, { id });
  }

  /**
   * A rebuild of one tenant (`POST /admin/subscriptions/todo-lists/tenants/:tenantId/rebuild`):
   * that tenant's lists and their items go, then its events are replayed; other tenants'
   * rows stay as they are.
   */
  async resetTenant(tenantId: string, manager: EntityManager): Promise<void> {
    const lists = manager
      .createQueryBuilder()
      .subQuery()
      .select('list.id')
      .from(TodoListView, 'list')
      .where('list.tenant_id = :tenantId')
      .getQuery();
    await manager.createQueryBuilder().delete().from(TodoItemView).where(`list_id IN ${lists}`, { tenantId }).execute();
    await manager.delete(TodoListView, { tenantId });
  }

  /** Applies an event to its list's row: the changes, the counts, and the new version. */
  private async touch(
    manager: EntityManager,
    { data, version, createdAt }: ListEvent,
    changes: Partial<Pick<TodoListView, 'title' | 'status'>>,
    counts: CountChange = {},
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(TodoListView)
      .set({
        ...changes,
        version,
        updatedAt: createdAt,
        itemCount: () => 'item_count + :items',
        completedCount: () => 'completed_count + :completed',
      })
      .setParameters({ items: counts.items ?? 0, completed: counts.completed ?? 0 })
      .where({ id: data.listId })
      .execute();
  }
}
