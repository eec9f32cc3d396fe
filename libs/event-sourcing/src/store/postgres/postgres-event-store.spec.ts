import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { describeEventStoreContract } from '../../testing/event-store-contract';

// The PostgreSQL at 127.0.0.1:5432 (or DATABASE_URL); the embedded one runs the same suite.
describeEventStoreContract('PostgreSQL', () => createPostgresSubject('postgres', 'contract'));
