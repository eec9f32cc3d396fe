import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import type { NewEvent } from '../../events/event-envelope';
import type { AppendOptions } from '../event-store';
import { prepareAppend } from '../prepared-append';
import { formFor } from './append-values';
import { PostgresAppend } from './postgres-append';
import { type PostgresEventStore } from './postgres-event-store';

// Events go to PostgreSQL as one jsonb document unless their JSON is too long for one;
// then as parallel arrays. The contract suite runs the document form; here both forms
// run the same appends, the arrays form by a limit of 0.
describe.each([
  ['document', undefined],
  ['arrays', 0],
])('PostgreSQL append statements, events as %s', (form, documentLimit) => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  let reader: PostgresEventStore;
  let client: PoolClient;
  let release: () => void;
  let appender: PostgresAppend;

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', `append_forms_${form}`);
    reader = subject.store as PostgresEventStore;
    const driver = subject.dataSource.driver as PostgresDriver;
    [client, release] = (await driver.obtainMasterConnection()) as [PoolClient, () => void];
  });
  afterAll(async () => {
    release?.();
    await subject?.close?.();
  });
  beforeEach(() => {
    appender = new PostgresAppend('"public"', undefined, undefined, documentLimit);
  });

  const append = (streamId: string, events: NewEvent[], options?: AppendOptions) =>
    appender.run(client, prepareAppend(streamId, events, options, 1024 * 1024), false);
  const odd = (n: number): NewEvent => ({
    type: `odd "type" \\ ${n} ✓`,
    data: n === 1 ? null : { text: 'quotes " and \\ and emoji 🎉 and \u00e9', big: 1e300, list: [1, [2, { n }]] },
    revision: n,
    metadata: { correlationId: `c-${n}`, note: 'é"\\' },
  });

  it('stores what it was given, every character and number as it was', async () => {
    const id = `forms-${randomUUID()}`;
    const events = [odd(1), odd(2), odd(3)];
    expect(await append(id, events, { expectedVersion: 'no_stream' })).toMatchObject({
      streamVersion: 3,
      written: true,
    });
    const stored = await reader.readStream(id);
    expect(stored.map(({ type, data, revision, metadata }) => ({ type, data, revision, metadata }))).toEqual(events);
  });

  it('appends after a version, after the end, and answers a conflict and an exact retry', async () => {
    const id = `forms-${randomUUID()}`;
    const first = [odd(1), odd(2)];
    await append(id, first, { expectedVersion: 'no_stream' });
    const next = [
      { type: 'forms.next', data: { a: 1 }, eventId: randomUUID() },
      { type: 'forms.next', data: { a: 2 }, eventId: randomUUID() },
    ];
    expect(await append(id, next, { expectedVersion: 2 })).toMatchObject({ streamVersion: 4, written: true });
    expect(await append(id, next, { expectedVersion: 2 })).toMatchObject({ streamVersion: 4, written: false });
    await expect(append(id, [odd(5), odd(6)], { expectedVersion: 2 })).rejects.toMatchObject({
      code: 'ES_CONCURRENCY',
      expected: 2,
      actual: 4,
    });
    expect(await append(id, [odd(5), odd(6)], { expectedVersion: 'any' })).toMatchObject({ streamVersion: 6 });
    expect((await reader.readStream(id)).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("checks a tagged condition among the events of the append's tenant alone", async () => {
    const tag = `title:${randomUUID()}`;
    const of = (tenantId: string, n: number): NewEvent => ({
      type: 'forms.titled',
      data: { n },
      tags: [tag],
      metadata: { tenantId },
    });
    const { after } = await reader.readMatching([{ tags: [tag] }]);
    const condition = { query: [{ tags: [tag] }], after };
    await append(`forms-${randomUUID()}`, [of('globex', 1)]);
    // Two events (one document, or arrays), then one event after a version (plain parameters).
    await append(`forms-${randomUUID()}`, [of('acme', 2), of('acme', 3)], { condition });
    const one = `forms-${randomUUID()}`;
    await append(one, [{ type: 'forms.untagged', data: null, metadata: { tenantId: 'initech' } }]);
    await append(one, [of('initech', 4)], { expectedVersion: 1, condition });
    await expect(append(`forms-${randomUUID()}`, [of('acme', 5), of('acme', 6)], { condition })).rejects.toMatchObject({
      code: 'ES_APPEND_CONDITION',
    });
    await expect(append(one, [of('initech', 7)], { expectedVersion: 2, condition })).rejects.toMatchObject({
      code: 'ES_APPEND_CONDITION',
    });
    // Without a tenant, every tenant's events count.
    await expect(
      append(`forms-${randomUUID()}`, [{ type: 'forms.titled', data: null, tags: [tag] }], { condition }),
    ).rejects.toMatchObject({ code: 'ES_APPEND_CONDITION' });
  });

  it('writes single events of several streams in one statement, each after its own version', async () => {
    const ids = [`forms-${randomUUID()}`, `forms-${randomUUID()}`];
    for (const id of ids) await append(id, [odd(1)], { expectedVersion: 'no_stream' });
    const prepared = [
      prepareAppend(ids[0]!, [odd(2)], { expectedVersion: 1 }, 1024 * 1024),
      prepareAppend(ids[1]!, [odd(2)], { expectedVersion: 5 }, 1024 * 1024),
    ];
    const [written, missed] = await appender.runMany(client, prepared);
    expect(written).toMatchObject({ streamVersion: 2, written: true });
    expect(missed).toBeUndefined();
    expect((await reader.readStream(ids[0]!)).map((e) => e.data)).toEqual([null, odd(2).data]);
  });
});

describe('formFor', () => {
  const prepared = (size: number) =>
    prepareAppend('s-1', [{ type: 't', data: 'x'.repeat(size) }], undefined, 1024 * 1024).events;

  it('sends events as a document up to the limit, and as arrays past it', () => {
    expect(formFor(prepared(10), 1000)).toBe('document');
    expect(formFor(prepared(2000), 1000)).toBe('arrays');
  });
});
