import { randomUUID } from 'node:crypto';
import { EventStore } from 'nest-event-sourcing';
import type { HttpFixture } from 'nest-event-sourcing/testing';
import { setUpTodoApp } from '../../apps/todo/src/set-up-todo-app';
import { TodoModule } from '../../apps/todo/src/todo.module';
import { startHttpFixture } from './http-app';
import { createTestDatabase, type TestDatabase } from './test-database';

/** What a todo command answers: where the list stands after it. */
export interface ListWritten {
  id: string;
  version: number;
  /** Null when the command changed nothing. */
  position: string | null;
}

/** A todo app over HTTP on a database of its own, with helpers for its tests. */
export interface TodoTestApp extends HttpFixture {
  /** Creates a list (201 expected; by default with a title of its own, titles being unique) and answers the command's result. */
  createList(title?: string): Promise<ListWritten & { position: string }>;
  /** Adds an item (201 expected) and answers the command's result with the item's id. */
  addItem(listId: string, text?: string): Promise<ListWritten & { position: string; itemId: string }>;
  /** How many events the store holds, all streams together. */
  countEvents(): Promise<number>;
  close(): Promise<void>;
}

/** Starts the todo app as main.ts does, on a new database named after `label`, with more environment in `env`. */
export async function startTodoApp(label: string, env: Record<string, string> = {}): Promise<TodoTestApp> {
  const database: TestDatabase = await createTestDatabase('postgres', label);
  const fixture = await startHttpFixture(TodoModule, setUpTodoApp, database.url, env).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const { app, http } = fixture;
  return {
    ...fixture,
    createList: async (title = `Groceries ${randomUUID().slice(0, 8)}`) =>
      (await http().post('/lists').send({ title }).expect(201)).body as ListWritten & { position: string },
    addItem: async (listId, text = 'Milk') =>
      (await http().post(`/lists/${listId}/items`).send({ text }).expect(201)).body as ListWritten & {
        position: string;
        itemId: string;
      },
    countEvents: async () => (await app.get(EventStore).queryEvents({ limit: null })).length,
    close: async () => {
      await fixture.close();
      await database.drop();
    },
  };
}
