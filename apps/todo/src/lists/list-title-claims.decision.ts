import { DecisionModel, Evolve } from 'nest-event-sourcing';
import { ListTitleTakenError } from './errors/list-title-taken.error';
import { TodoListArchived } from './events/todo-list-archived.event';
import { TodoListCreated } from './events/todo-list-created.event';
import { TodoListRenamed } from './events/todo-list-renamed.event';
import { TodoListRestored } from './events/todo-list-restored.event';
import { normalizeTitle, titleTag } from './list-title';

/**
 * Which lists hold one title (compared trimmed and case-folded), folded from the
 * events tagged with it: the rule "titles are unique among lists that are not archived"
 * across every list's stream, with no lookup table.
 */
@DecisionModel()
export class ListTitleClaims {
  private readonly normalized: string;
  /** By list: whether it holds the title, and whether it is active. */
  private readonly lists = new Map<string, { holds: boolean; active: boolean }>();

  constructor(readonly title: string) {
    this.normalized = normalizeTitle(title);
  }

  tags(): string[] {
    return [titleTag(this.title)];
  }

  /** The active list that holds the title, if one does. */
  holder(): string | undefined {
    for (const [listId, { holds, active }] of this.lists) if (holds && active) return listId;
    return undefined;
  }

  /** @throws ListTitleTakenError when an active list other than `listId` holds the title. */
  assertFreeFor(listId: string): void {
    const holder = this.holder();
    if (holder !== undefined && holder !== listId) throw new ListTitleTakenError(this.title.trim(), holder);
  }

  @Evolve(TodoListCreated)
  protected created({ listId, title }: TodoListCreated): void {
    if (normalizeTitle(title) === this.normalized) this.lists.set(listId, { holds: true, active: true });
  }

  @Evolve(TodoListRenamed)
  protected renamed({ listId, title }: TodoListRenamed): void {
    const holds = normalizeTitle(title) === this.normalized;
    const list = this.lists.get(listId);
    if (list) list.holds = holds;
    else if (holds) this.lists.set(listId, { holds, active: true });
  }

  @Evolve(TodoListArchived)
  protected archived({ listId }: TodoListArchived): void {
    const list = this.lists.get(listId);
    if (list) list.active = false;
  }

  @Evolve(TodoListRestored)
  protected restored({ listId }: TodoListRestored): void {
    const list = this.lists.get(listId);
    if (list) list.active = true;
  }
}
