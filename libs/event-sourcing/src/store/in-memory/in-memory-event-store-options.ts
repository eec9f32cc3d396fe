import type { StoreHooks } from '../store-hooks';
import type { SubjectKeyringOptions } from '../personal-data/subject-keyring';

/** Options of {@link InMemoryEventStore}. */
export interface InMemoryEventStoreOptions {
  /** Largest event (data + metadata as JSON), in bytes. Default 1 MiB. */
  maxEventSize?: number;
  /** Default page size of reads. Default 500. */
  batchSize?: number;
  /** Set by the module under `database: 'memory'`: inline projections, subscriber wake-ups. @internal */
  hooks?: StoreHooks;
  /** Set by the module from its `personalData` option: the master keys. @internal */
  personalData?: SubjectKeyringOptions;
}
