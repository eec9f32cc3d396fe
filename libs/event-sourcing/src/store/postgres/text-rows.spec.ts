import { Client, type PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import type { Statement } from './statement';
import { readsText, textRows } from './text-rows';

// textRows runs the store's statements on pg's connection without a row description:
// the same rows as an ordinary query, the same errors, and a connection that stays
// usable whatever happened to the statement before.
describe('textRows', () => {
  let database: TestDatabase;
  let client: Client;

  const insert: Statement = {
    name: 'text_rows_insert',
    text: `INSERT INTO items (id, tags, doc, note) VALUES ($1, $2::text[], $3::jsonb, $4)
           RETURNING id, tags, doc, note, 7::bigint AS big`,
  };
  const selectAll: Statement = { name: 'text_rows_select', text: 'SELECT id, note FROM items ORDER BY id' };
  const asPoolClient = (c: Client): PoolClient => c as unknown as PoolClient;
  /** The same client seen through a driver without pg's connection: the fallback path. */
  const withoutConnection = (c: Client): PoolClient => {
    const query: PoolClient['query'] = c.query.bind(c);
    return { query } as unknown as PoolClient;
  };
  const preparedNames = async (): Promise<string[]> =>
    (await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map(
      (r) => r.name,
    );

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'text_rows');
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query('DROP TABLE IF EXISTS items');
    await client.query('CREATE TABLE items (id integer PRIMARY KEY, tags text[], doc jsonb, note text)');
  });
  afterEach(async () => {
    await client.end().catch(() => undefined);
  });

  it('answers every column as its text, NULL as null, in order, as the fallback does', async () => {
    const fast = await textRows(asPoolClient(client), insert, [1, ['a', 'b "c"'], { n: 1.5, s: 'é' }, null]);
    const slow = await textRows(withoutConnection(client), insert, [2, ['a', 'b "c"'], { n: 1.5, s: 'é' }, null]);
    expect(fast).toEqual([['1', '{a,"b \\"c\\""}', '{"n": 1.5, "s": "é"}', null, '7']]);
    expect(slow).toEqual([['2', ...fast[0]!.slice(1)]]);
    expect(await textRows(asPoolClient(client), selectAll, [])).toEqual([
      ['1', null],
      ['2', null],
    ]);
    // SQL built per call goes unnamed, through pg's own query, and is not kept prepared.
    const unnamed: Statement = { name: '', text: 'SELECT id, doc FROM items WHERE id = $1' };
    expect(await textRows(asPoolClient(client), unnamed, [2])).toEqual([['2', '{"n": 1.5, "s": "é"}']]);
    expect(await preparedNames()).toEqual([insert.name, selectAll.name].sort());
  });

  it("finds pg's private bookkeeping where it reads it (fails when a pg release moves it)", () => {
    // textRows reads the statements prepared on a connection from two fields pg keeps but
    // does not type. A pg that renames them makes readsText false: the store then reads
    // through pg's own query (slower, still correct), and this test says why.
    const connection = (client as unknown as { connection: Record<string, unknown> }).connection;
    expect(connection.parsedStatements).toEqual(expect.any(Object));
    expect(connection.submittedNamedStatements).toEqual(expect.any(Object));
    expect(readsText(asPoolClient(client))).toBe(true);
  });

  it('prepares a statement once per connection, in the bookkeeping pg queries share', async () => {
    await textRows(asPoolClient(client), selectAll, []);
    await textRows(asPoolClient(client), selectAll, []);
    expect(await preparedNames()).toEqual([selectAll.name]);
    // pg's own query of the same name and text finds it prepared and runs it.
    await expect(client.query({ ...selectAll, values: [] })).resolves.toMatchObject({ rowCount: 0 });
    expect(await preparedNames()).toEqual([selectAll.name]);
  });

  it('fails with the server error, a stack from the caller, and leaves the connection usable', async () => {
    await textRows(asPoolClient(client), insert, [1, [], {}, 'first']);
    const duplicate = await textRows(asPoolClient(client), insert, [1, [], {}, 'again']).catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ code: '23505' });
    expect((duplicate as Error).stack).toContain('text-rows.spec');
    expect(await textRows(asPoolClient(client), selectAll, [])).toEqual([['1', 'first']]);
  });

  it('does not count a statement that failed to parse as prepared', async () => {
    const broken: Statement = { name: 'text_rows_broken', text: 'SELECT no_such_column FROM items' };
    for (let i = 0; i < 2; i++) {
      await expect(textRows(asPoolClient(client), broken, [])).rejects.toMatchObject({ code: '42703' });
    }
    expect(await preparedNames()).toEqual([]);
    expect(await textRows(asPoolClient(client), selectAll, [])).toEqual([]);
  });

  it('fails without sending anything for a value that cannot become text, or a name prepared for another text', async () => {
    const throwing = {
      toPostgres: () => {
        throw new Error('no text for this value');
      },
    };
    await expect(textRows(asPoolClient(client), insert, [1, [], {}, throwing])).rejects.toThrow(
      'no text for this value',
    );
    await textRows(asPoolClient(client), selectAll, []);
    const sameName: Statement = { name: selectAll.name, text: 'SELECT 1' };
    await expect(textRows(asPoolClient(client), sameName, [])).rejects.toThrow(/prepared on this connection/);
    expect(await textRows(asPoolClient(client), insert, [3, [], {}, 'fine'])).toHaveLength(1);
  });

  it('runs on a socket that cannot cork, as some runtimes have', async () => {
    const { stream } = (client as unknown as { connection: { stream: object } }).connection;
    Object.assign(stream, { cork: undefined, uncork: undefined });
    expect(await textRows(asPoolClient(client), insert, [4, [], {}, 'uncorked'])).toHaveLength(1);
    expect(await textRows(asPoolClient(client), selectAll, [])).toEqual([['4', 'uncorked']]);
  });

  it('honours a query_timeout configured on the connection', async () => {
    const timed = new Client({ connectionString: database.url, query_timeout: 300 });
    await timed.connect();
    try {
      const sleep: Statement = { name: 'text_rows_sleep', text: 'SELECT pg_sleep($1::float8)::text' };
      await expect(textRows(asPoolClient(timed), sleep, [0])).resolves.toEqual([['']]);
      await expect(textRows(asPoolClient(timed), sleep, [5])).rejects.toThrow('Query read timeout');
    } finally {
      await timed.end().catch(() => undefined);
    }
  });

  it('fails when the connection is cut while the statement runs', async () => {
    const sleep: Statement = { name: 'text_rows_long_sleep', text: 'SELECT pg_sleep(30)::text' };
    client.on('error', () => undefined); // the cut is expected; without a listener it would end the process
    const failed = expect(textRows(asPoolClient(client), sleep, [])).rejects.toThrow(/terminat/i);
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      for (let i = 0; i < 200; i++) {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()`,
          [sleep.text],
        );
        if (rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await admin.end();
    }
    await failed;
  });
});
