import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { describeEventStoreContract } from '../../testing/event-store-contract';

describeEventStoreContract('embedded PostgreSQL', () => createPostgresSubject('embedded', 'contract'));
