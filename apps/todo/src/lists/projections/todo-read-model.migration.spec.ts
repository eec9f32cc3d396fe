import type { QueryRunner } from 'typeorm';
import { TodoReadModel1764400000000 } from './todo-read-model.migration';
import { TodoReadModelTenants1765400000002 } from './todo-read-model-tenants.migration';

/** The SQL a migration sends, one statement per entry, from a runner that only records. */
async function sqlOf(step: (runner: QueryRunner) => Promise<void>): Promise<string> {
  const statements: string[] = [];
  const runner = { query: async (sql: string) => void statements.push(sql) } as unknown as QueryRunner;
  await step(runner);
  return statements.join(';\n\n');
}

// The tables are a contract with every deployed database: a change here must be a new migration.
describe('TodoReadModel1764400000000', () => {
  const migration = new TodoReadModel1764400000000();

  it('creates the lists and items tables', async () => {
    expect(await sqlOf((runner) => migration.up(runner))).toMatchSnapshot();
  });

  it('drops them again, items first', async () => {
    expect(await sqlOf((runner) => migration.down(runner))).toMatchSnapshot();
  });

  it('is named after its class, after the bank read model of 1764300000000', () => {
    expect(migration.name).toBe(TodoReadModel1764400000000.name);
    expect(Number(migration.name.slice(-13))).toBeGreaterThan(1764300000000);
  });
});

describe('TodoReadModelTenants1765400000002', () => {
  const migration = new TodoReadModelTenants1765400000002();

  it("adds each list's tenant and the index of a tenant's lists by status", async () => {
    expect(await sqlOf((runner) => migration.up(runner))).toMatchSnapshot();
  });

  it('drops them again, the index first', async () => {
    expect(await sqlOf((runner) => migration.down(runner))).toMatchSnapshot();
  });

  it('is named after its class, after the read model it changes', () => {
    expect(migration.name).toBe(TodoReadModelTenants1765400000002.name);
    expect(Number(migration.name.slice(-13))).toBeGreaterThan(1764400000000);
  });
});
