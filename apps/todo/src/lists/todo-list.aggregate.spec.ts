import { aggregateFixture } from 'nest-event-sourcing/testing';
import { InvalidTodoStateError } from './errors/invalid-todo-state.error';
import { TodoItemNotFoundError } from './errors/todo-item-not-found.error';
import { TodoListArchivedError } from './errors/todo-list-archived.error';
import { TodoListFullError } from './errors/todo-list-full.error';
import { TodoItemAdded } from './events/todo-item-added.event';
import { TodoItemCompleted } from './events/todo-item-completed.event';
import { TodoItemRemoved } from './events/todo-item-removed.event';
import { TodoItemReopened } from './events/todo-item-reopened.event';
import { TodoListArchived } from './events/todo-list-archived.event';
import { TodoListCreated } from './events/todo-list-created.event';
import { TodoListRenamed } from './events/todo-list-renamed.event';
import { TodoListRestored } from './events/todo-list-restored.event';
import { MAX_ITEMS_PER_LIST, TodoList } from './todo-list.aggregate';

describe('TodoList', () => {
  const list = aggregateFixture(TodoList, 'l-1');
  const created = new TodoListCreated('l-1', 'Groceries');
  const milk = new TodoItemAdded('l-1', 'i-1', 'Milk');
  const at = new Date('2026-06-01T08:00:00Z');

  it('is created with a trimmed title, and renamed', () => {
    list
      .given()
      .when((l) => l.create('  Groceries '))
      .then(created);
    list
      .given(created)
      .when((l) => l.rename('Food'))
      .then(new TodoListRenamed('l-1', 'Food'));
    list
      .given(created)
      .when((l) => l.rename('Groceries'))
      .then();
  });

  it('rejects an empty title', () => {
    list
      .given()
      .when((l) => l.create('   '))
      .thenThrows(InvalidTodoStateError);
  });

  it('adds, completes, reopens and removes items', () => {
    const state = list
      .given(created)
      .when((l) => {
        l.addItem('i-1', 'Milk');
        l.completeItem('i-1', at);
        l.reopenItem('i-1');
        l.removeItem('i-1');
      })
      .then(
        milk,
        new TodoItemCompleted('l-1', 'i-1', at),
        new TodoItemReopened('l-1', 'i-1'),
        new TodoItemRemoved('l-1', 'i-1'),
      );
    expect(state.items).toEqual({});
  });

  it('completing a completed item changes nothing', () => {
    list
      .given(created, milk, new TodoItemCompleted('l-1', 'i-1', at))
      .when((l) => l.completeItem('i-1'))
      .then();
  });

  it('names the missing item', () => {
    list
      .given(created)
      .when((l) => l.completeItem('nope'))
      .thenThrows(TodoItemNotFoundError, 'has no item nope');
  });

  it.each(['__proto__', 'constructor', 'hasOwnProperty'])('knows no item named %s', (itemId) => {
    list
      .given(created, milk)
      .when((l) => l.completeItem(itemId, at))
      .thenThrows(TodoItemNotFoundError);
    expect(({} as Record<string, unknown>).completedAt).toBeUndefined();
  });

  it(`holds at most ${MAX_ITEMS_PER_LIST} items`, () => {
    const items = Array.from({ length: MAX_ITEMS_PER_LIST }, (_, i) => new TodoItemAdded('l-1', `i-${i}`, 'x'));
    list
      .given(created, ...items)
      .when((l) => l.addItem('one-more', 'y'))
      .thenThrows(TodoListFullError, `holds ${MAX_ITEMS_PER_LIST} items`);
    list
      .given(created, ...items, new TodoItemRemoved('l-1', 'i-0'))
      .when((l) => l.addItem('one-more', 'y'))
      .then(new TodoItemAdded('l-1', 'one-more', 'y'));
  });

  it('is archived (kept) and restored; an archived list refuses changes', () => {
    list
      .given(created)
      .when((l) => l.archive())
      .then(new TodoListArchived('l-1'));
    list
      .given(created, new TodoListArchived('l-1'))
      .when((l) => l.addItem('i-2', 'Eggs'))
      .thenThrows(TodoListArchivedError);
    const restored = list
      .given(created, milk, new TodoListArchived('l-1'))
      .when((l) => l.restore())
      .then(new TodoListRestored('l-1'));
    expect(restored.items['i-1']).toEqual({ text: 'Milk', completedAt: null });
    list
      .given(created)
      .when((l) => l.restore())
      .thenThrows(InvalidTodoStateError);
  });
});
