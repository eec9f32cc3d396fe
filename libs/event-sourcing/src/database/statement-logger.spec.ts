import { DataSource } from 'typeorm';
import { captureLogs, type CapturedLogs } from '../../../../test/support/captured-logs';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { errorMessage, errorStack } from '../errors/error-message';
import { MessageContext } from '../events/message-context';
import { StatementLogger, statementName } from './statement-logger';

const SECRET = 'ada.lovelace@example.org-secret';

describe('StatementLogger: failed statements are logged without their values', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const context = new MessageContext();
  let logs: CapturedLogs;
  const lines = (): string[] => logs.lines.map((line) => line.text);

  beforeAll(async () => {
    logs = captureLogs();
    database = await createTestDatabase('postgres', 'statement_logger');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      logger: new StatementLogger('all', context),
    });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE people (id uuid PRIMARY KEY, email text UNIQUE)');
  });
  afterAll(async () => {
    logs.restore();
    await dataSource?.destroy();
    await database?.drop();
  });
  beforeEach(() => logs.lines.splice(0));

  it('names the statement, its SQLSTATE and the correlation id, and no parameter or message', async () => {
    await expect(
      context.run({ correlationId: 'corr-42' }, () => dataSource.query('SELECT * FROM people WHERE id = $1', [SECRET])),
    ).rejects.toThrow();
    const failed = lines().filter((line) => line.includes('failed'));
    expect(failed).toEqual([
      'SELECT people failed: PostgreSQL error SQLSTATE 22P02 (routine string_to_uuid) [correlation corr-42] Database',
    ]);
    expect(lines().join('\n')).not.toContain(SECRET);
  });

  it('keeps the values of a unique violation (its detail quotes them) out of every line', async () => {
    const insert = 'INSERT INTO people (id, email) VALUES (gen_random_uuid(), $1)';
    await dataSource.query(insert, [SECRET]);
    const error: unknown = await dataSource.query(insert, [SECRET]).catch((e: unknown) => e);
    expect(String((error as { driverError: { detail: string } }).driverError.detail)).toContain(SECRET);
    expect(lines().join('\n')).not.toContain(SECRET);
    expect(lines().join('\n')).toContain('SQLSTATE 23505 (constraint people_email_key, table people');
    // And wherever the library logs or stores the error itself.
    expect(errorMessage(error)).not.toContain(SECRET);
    expect(errorStack(error)).not.toContain(SECRET);
    expect(errorStack(error)).toMatch(/^QueryFailedError: PostgreSQL error SQLSTATE 23505.*\n\s+at /);
  });

  it('logs the SQL text of queries at debug level, without parameters', async () => {
    await dataSource.query('SELECT count(*) FROM people WHERE email = $1', [SECRET]);
    expect(lines().some((line) => line.startsWith('SELECT count(*) FROM people WHERE email = $1'))).toBe(true);
    expect(lines().join('\n')).not.toContain(SECRET);
  });
});

describe('statementName', () => {
  it.each([
    ['SELECT "a"."id" FROM "public"."accounts" "a" WHERE id = $1', 'SELECT "public"."accounts"'],
    ['INSERT INTO es_idempotency_keys (key) VALUES ($1)', 'INSERT es_idempotency_keys'],
    ['  update bank_account_views\n set balance = $1', 'UPDATE bank_account_views'],
    ['DELETE FROM "t" WHERE x = $1', 'DELETE "t"'],
    ['WITH moved AS (UPDATE v SET b = 1 RETURNING b) INSERT INTO t SELECT * FROM moved', 'INSERT v'],
    ["SELECT 'ada@example.org'", 'SELECT'],
  ])('%s is named %s', (sql, name) => {
    expect(statementName(sql)).toBe(name);
  });
});
