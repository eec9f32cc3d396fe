import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { describeEventStoreContract } from '../../testing/event-store-contract';

// The PostgreSQL at 127.0.0.1:5432 (or DATABASE_URL); the embedded one runs the same suite.
describeEventStoreContract('PostgreSQL', () => createPostgresSubject('postgres', 'contract'));

// The same guarantees with every mechanism of the write path off (as `npm run bench` runs
// them, to measure what each wins): group commit, known versions, stream lanes and text rows.
describeEventStoreContract('PostgreSQL, write-path mechanisms off', () =>
  createPostgresSubject(
    'postgres',
    'contract_plain',
    undefined,
    {},
    {},
    {
      appendsInFlight: Number.POSITIVE_INFINITY,
      writePath: { knownVersions: false, streamLanes: false, textRows: false },
    },
  ),
);
