import fc from 'fast-check';
import { createPostgresSubject } from '../../../../test/support/postgres-store';
import { steps } from '../../../../test/support/store-commands';
import { StorePropertyRunner, type PropertySubject } from '../../../../test/support/store-property-runner';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';

// Property-based tests of the store contract, the same property on every store: random
// steps of appends (one at a time, several racing through Promise.allSettled, a
// transaction of them alone, or transactions racing, with interleaved appends and
// opposite lock orders) with every expected-version mode, event ids that repeat in the
// same and in other streams, unicode stream ids and JSON payloads, and bad input. Each
// answer must be the model's (test/support/store-model.ts; a transaction that lost a
// deadlock, TransactionConflictError, wrote nothing), and the stored log the model's
// log, read every way (test/support/store-log-check.ts).
//
// Runs per store: a few seconds' worth by default. For a long run, and to replay a failure
// from the seed and path fast-check prints:
//   ES_PROPERTY_RUNS=1000 npx jest store-properties
//   ES_PROPERTY_SEED=<seed> ES_PROPERTY_PATH=<path> npx jest store-properties

const MAX_EVENT_SIZE = 64 * 1024;
/** Racing transactions deadlock often: PostgreSQL finds it after this, rather than its default second. */
const SESSION_SETTINGS = { deadlock_timeout: '20ms' };

function describeStoreProperties(
  name: string,
  defaultRuns: number,
  createSubject: () => Promise<PropertySubject>,
): void {
  const numRuns = Number(process.env.ES_PROPERTY_RUNS ?? defaultRuns);
  const seed = process.env.ES_PROPERTY_SEED;
  const path = process.env.ES_PROPERTY_PATH;

  describe(`EventStore properties: ${name}`, () => {
    let subject: PropertySubject | undefined;

    beforeAll(async () => {
      subject = await createSubject();
    });

    afterAll(async () => {
      await subject?.close?.();
    });

    it(
      'answers every append as the model does and stores exactly its log, under races, repeated ids and unicode',
      async () => {
        const runner = new StorePropertyRunner(subject!);
        await fc.assert(
          fc.asyncProperty(steps, (s) => runner.check(s)),
          { numRuns, ...(seed === undefined ? {} : { seed: Number(seed) }), ...(path === undefined ? {} : { path }) },
        );
      },
      // A long run gets the time it needs: a case takes up to about 50 ms on PostgreSQL.
      60_000 + numRuns * 200,
    );
  });
}

describeStoreProperties('in-memory', 100, async () => ({
  storeForRun: () => new InMemoryEventStore({ maxEventSize: MAX_EVENT_SIZE }),
  maxEventSize: MAX_EVENT_SIZE,
}));

// The PostgreSQL at 127.0.0.1:5432 (or DATABASE_URL), a database for each; each run has streams of its own.
describeStoreProperties('PostgreSQL', 25, async () => {
  const postgres = await createPostgresSubject('postgres', 'properties', MAX_EVENT_SIZE, {}, SESSION_SETTINGS);
  return { storeForRun: () => postgres.store, maxEventSize: MAX_EVENT_SIZE, close: postgres.close };
});

// One statement in flight: racing single-event appends share statements (group commit) far more often.
describeStoreProperties('PostgreSQL, group commit of every race', 25, async () => {
  const postgres = await createPostgresSubject('postgres', 'properties_grouped', MAX_EVENT_SIZE, {}, SESSION_SETTINGS);
  const store = new PostgresEventStore(postgres.dataSource, { maxEventSize: MAX_EVENT_SIZE, appendsInFlight: 1 });
  return { storeForRun: () => store, maxEventSize: MAX_EVENT_SIZE, close: postgres.close };
});
