import { Aggregate, AggregateRoot, Apply } from 'nest-event-sourcing';
import { InvalidTodoStateError } from './errors/invalid-todo-state.error';
import { TodoItemNotFoundError } from './errors/todo-item-not-found.error';
import { TodoListFullError } from './errors/todo-list-full.error';
import { TodoListArchivedError } from './errors/todo-list-archived.error';
import { TodoItemAdded } from './events/todo-item-added.event';
import { TodoItemCompleted } from './events/todo-item-completed.event';
import { TodoItemRemoved } from './events/todo-item-removed.event';
import { TodoItemReopened } from './events/todo-item-reopened.event';
import { TodoListArchived } from './events/todo-list-archived.event';
import { TodoListCreated } from './events/todo-list-created.event';
import { TodoListRenamed } from './events/todo-list-renamed.event';
import { TodoListRestored } from './events/todo-list-restored.event';
import { TodoMemberAdded } from './events/todo-member-added.event';
import { TodoMemberRemoved } from './events/todo-member-removed.event';
import type { MemberRole } from './list-access';
import { titleTag } from './list-title';

/**
 * The most items one list holds. It bounds what loading a list costs and keeps its
 * counts far inside the read model's `integer` columns.
 */
export const MAX_ITEMS_PER_LIST = 1_000;

export interface TodoItem {
  text: string;
  completedAt: Date | null;
}

/** A todo list and its items. An archived list is kept (soft delete) and can be restored. */
@Aggregate('todolist')
export class TodoList extends AggregateRoot {
  title = '';
  archived = false;
  created = false;
  items: Record<string, TodoItem> = {};
  /** Members by user id, with their role (the creator is not one: they hold every permission). */
  members: Record<string, MemberRole> = {};
  /** The title tags of events applied here: a rename frees one title and claims another. */
  readonly #titleTags = new WeakMap<object, string[]>();

  create(title: string): void {
    if (this.created) throw new InvalidTodoStateError(`List ${this.id} exists already.`);
    this.applyWithTitles(new TodoListCreated(this.id, assertText(title)), [title]);
  }

  rename(title: string): void {
    this.assertActive();
    if (title === this.title) return;
    this.applyWithTitles(new TodoListRenamed(this.id, assertText(title)), [this.title, title]);
  }

  addItem(itemId: string, text: string): void {
    this.assertActive();
    if (Object.hasOwn(this.items, itemId))
      throw new InvalidTodoStateError(`List ${this.id} has an item ${itemId} already.`);
    if (Object.keys(this.items).length >= MAX_ITEMS_PER_LIST) throw new TodoListFullError(this.id, MAX_ITEMS_PER_LIST);
    this.apply(new TodoItemAdded(this.id, itemId, assertText(text)));
  }

  completeItem(itemId: string, at = new Date()): void {
    if (this.item(itemId).completedAt) return;
    this.apply(new TodoItemCompleted(this.id, itemId, at));
  }

  reopenItem(itemId: string): void {
    if (!this.item(itemId).completedAt) return;
    this.apply(new TodoItemReopened(this.id, itemId));
  }

  removeItem(itemId: string): void {
    this.item(itemId);
    this.apply(new TodoItemRemoved(this.id, itemId));
  }

  archive(): void {
    this.assertActive();
    this.applyWithTitles(new TodoListArchived(this.id), [this.title]);
  }

  restore(): void {
    if (!this.archived) throw new InvalidTodoStateError(`List ${this.id} is not archived.`);
    this.applyWithTitles(new TodoListRestored(this.id), [this.title]);
  }

  /** Makes a user a viewer or an editor; the same role again changes nothing. */
  addMember(userId: string, role: MemberRole): void {
    this.assertActive();
    if (Object.hasOwn(this.members, userId) && this.members[userId] === role) return;
    this.apply(new TodoMemberAdded(this.id, userId, role));
  }

  /** Takes a member's role away; removing someone who is no member changes nothing. */
  removeMember(userId: string): void {
    this.assertActive();
    if (!Object.hasOwn(this.members, userId)) return;
    this.apply(new TodoMemberRemoved(this.id, userId));
  }

  @Apply(TodoListCreated)
  protected onCreated(event: TodoListCreated): void {
    this.created = true;
    this.title = event.title;
  }

  @Apply(TodoListRenamed)
  protected onRenamed(event: TodoListRenamed): void {
    this.title = event.title;
  }

  @Apply(TodoItemAdded)
  protected onItemAdded(event: TodoItemAdded): void {
    this.items[event.itemId] = { text: event.text, completedAt: null };
  }

  @Apply(TodoItemCompleted)
  protected onItemCompleted(event: TodoItemCompleted): void {
    this.items[event.itemId]!.completedAt = event.completedAt;
  }

  @Apply(TodoItemReopened)
  protected onItemReopened(event: TodoItemReopened): void {
    this.items[event.itemId]!.completedAt = null;
  }

  @Apply(TodoItemRemoved)
  protected onItemRemoved(event: TodoItemRemoved): void {
    delete this.items[event.itemId];
  }

  @Apply(TodoMemberAdded)
  protected onMemberAdded(event: TodoMemberAdded): void {
    this.members[event.userId] = event.role;
  }

  @Apply(TodoMemberRemoved)
  protected onMemberRemoved(event: TodoMemberRemoved): void {
    delete this.members[event.userId];
  }

  @Apply(TodoListArchived)
  protected onArchived(): void {
    this.archived = true;
  }

  @Apply(TodoListRestored)
  protected onRestored(): void {
    this.archived = false;
  }

  /**
   * Every event of the list carries `list:<id>`; those that claim, move or free a title
   * carry that title's tag too, which the title rule (`ListTitleClaims`) reads.
   */
  override eventTags(event: object): string[] {
    return [`list:${this.id}`, ...(this.#titleTags.get(event) ?? [])];
  }

  private applyWithTitles(event: object, titles: string[]): void {
    this.#titleTags.set(event, titles.map(titleTag));
    this.apply(event);
  }

  private item(itemId: string): TodoItem {
    this.assertActive();
    // Own keys only: an id such as "__proto__" or "constructor" names no item (and must
    // never reach Object.prototype).
    if (!Object.hasOwn(this.items, itemId)) throw new TodoItemNotFoundError(this.id, itemId);
    return this.items[itemId]!;
  }

  private assertActive(): void {
    if (!this.created) throw new InvalidTodoStateError(`List ${this.id} does not exist.`);
    if (this.archived) throw new TodoListArchivedError(this.id);
  }
}

function assertText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > 200)
    throw new InvalidTodoStateError('A title or item text has 1 to 200 characters.');
  return trimmed;
}
