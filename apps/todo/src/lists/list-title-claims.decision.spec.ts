import { decisionFixture } from 'nest-event-sourcing/testing';
import { ListTitleTakenError } from './errors/list-title-taken.error';
import { TodoListArchived } from './events/todo-list-archived.event';
import { TodoListCreated } from './events/todo-list-created.event';
import { TodoListRenamed } from './events/todo-list-renamed.event';
import { TodoListRestored } from './events/todo-list-restored.event';
import { ListTitleClaims } from './list-title-claims.decision';
import { titleTag } from './list-title';

/** The title's tag on an event, as the TodoList aggregate adds it. */
const tagged = <T extends object>(event: T, ...titles: string[]): T =>
  Object.assign(event, { eventTags: () => titles.map(titleTag) });

describe('ListTitleClaims', () => {
  const milk = decisionFixture(() => new ListTitleClaims(' MILK '));
  const claim = (listId: string) => (claims: ListTitleClaims) => claims.assertFreeFor(listId);

  it('is free when no list holds the title, and for the list that holds it', () => {
    milk.given().when(claim('l-2')).then();
    milk
      .given(tagged(new TodoListCreated('l-1', 'Milk'), 'Milk'))
      .when(claim('l-1'))
      .then();
  });

  it('is taken by an active list of the same title in another case', () => {
    milk
      .given(tagged(new TodoListCreated('l-1', 'milk'), 'milk'))
      .when(claim('l-2'))
      .thenThrows(ListTitleTakenError, /l-1/);
  });

  it('is freed by archiving and by renaming, and taken again by restoring', () => {
    const created = tagged(new TodoListCreated('l-1', 'Milk'), 'Milk');
    milk
      .given(created, tagged(new TodoListArchived('l-1'), 'Milk'))
      .when(claim('l-2'))
      .then();
    milk
      .given(created, tagged(new TodoListRenamed('l-1', 'Oats'), 'Milk', 'Oats'))
      .when(claim('l-2'))
      .then();
    milk
      .given(created, tagged(new TodoListArchived('l-1'), 'Milk'), tagged(new TodoListRestored('l-1'), 'Milk'))
      .when(claim('l-2'))
      .thenThrows(ListTitleTakenError);
  });

  it('reads no event without the title tag', () => {
    milk.given(new TodoListCreated('l-1', 'Milk')).when(claim('l-2')).then();
  });
});
