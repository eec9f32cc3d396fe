import { Client, types, type PoolClient } from 'pg';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { readEvents } from './event-row';
import { quoteIdentifier } from '../../database/quote-identifier';
import { buildReadStatements } from './read-statements';
import { textRows } from './text-rows';

// Events are read as text rows on pg's JavaScript client and as row objects on
// pg-native, which parses every column whatever a query asks: the envelopes are the same.
describe('readEvents', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  let client: Client;
  const sql = buildReadStatements(quoteIdentifier('public'));
  const asPoolClient = (c: Client): PoolClient => c as unknown as PoolClient;
  /**
   * The client as pg-native behaves: no JavaScript connection, and the client's own type
   * parsers applied whatever `types` a query passes.
   */
  const nativeLike = (c: Client): PoolClient =>
    ({
      query: (config: { text: string; values?: unknown[]; rowMode?: 'array' }) =>
        c.query({ text: config.text, values: config.values, ...(config.rowMode && { rowMode: config.rowMode }) }),
    }) as unknown as PoolClient;

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'event_rows');
    await subject.store.append('rows-1', [
      { type: 'Opened', data: { owner: 'Ada', limits: [1.5, null], note: 'é "q" \\' }, metadata: { tenant: 't' } },
      { type: 'Named', revision: 2, data: 'a JSON string' },
      { type: 'Emptied', data: null },
    ]);
    client = new Client({ connectionString: (subject.dataSource.driver.options as { url?: string }).url! });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await subject?.close?.();
  });

  it('gives the same envelopes from text rows, from pg-native rows and through the store', async () => {
    const values = ['rows-1', 0, Number.MAX_SAFE_INTEGER, null];
    const fromText = await readEvents(asPoolClient(client), sql.readStream, values);
    const fromObjects = await readEvents(nativeLike(client), sql.readStream, values);
    expect(fromText).toHaveLength(3);
    expect(fromObjects).toEqual(fromText);
    expect(await subject.store.readStream('rows-1')).toEqual(fromText);
    const [opened, named, emptied] = fromText;
    expect(opened).toMatchObject({
      streamId: 'rows-1',
      version: 1,
      revision: 1,
      type: 'Opened',
      data: { owner: 'Ada', limits: [1.5, null], note: 'é "q" \\' },
      metadata: { tenant: 't' },
    });
    expect(typeof opened!.position).toBe('bigint');
    expect(typeof opened!.transactionId).toBe('bigint');
    expect(opened!.createdAt).toBeInstanceOf(Date);
    expect(named).toMatchObject({ revision: 2, data: 'a JSON string' });
    expect(emptied!.data).toBeNull();
  });

  it('applies a global jsonb parser, as row objects did', async () => {
    const values = ['rows-1', 1, 1, null];
    const original = types.getTypeParser(types.builtins.JSONB);
    types.setTypeParser(types.builtins.JSONB, (text: string) => ({ parsed: JSON.parse(text) as unknown }));
    try {
      const [fromText] = await readEvents(asPoolClient(client), sql.readStream, values);
      expect(fromText!.data).toEqual({ parsed: { owner: 'Ada', limits: [1.5, null], note: 'é "q" \\' } });
      expect(fromText!.metadata).toEqual({ parsed: { tenant: 't' } });
    } finally {
      types.setTypeParser(types.builtins.JSONB, original);
    }
  });

  it('reads numbers through pg-native as text, and refuses a column it parsed into something else', async () => {
    await expect(textRows(nativeLike(client), sql.streamVersion, ['rows-1'])).resolves.toEqual([['3']]);
    // An int8 parser of the user's may give objects that tell their digits by toString.
    class Digits {
      constructor(private readonly digits: string) {}
      toString(): string {
        return this.digits;
      }
    }
    const withDigits = {
      query: () => Promise.resolve({ rows: [[new Digits('42'), 7n, null]] }),
    } as unknown as PoolClient;
    await expect(textRows(withDigits, sql.streamVersion, ['rows-1'])).resolves.toEqual([['42', '7', null]]);
    await expect(
      textRows(nativeLike(client), sql.readStream, ['rows-1', 0, Number.MAX_SAFE_INTEGER, null]),
    ).rejects.toThrow(TypeError);
  });
});
