import type { DataSource } from 'typeorm';
import type { WritePathOptions } from '../../options/write-path-options';
import type { StoreHooks } from '../store-hooks';
import type { SubjectKeyringOptions } from '../personal-data/subject-keyring';

/** Options of {@link PostgresEventStore}. */
export interface PostgresEventStoreOptions {
  /** Schema holding the store's tables. Default `public`. */
  schema?: string;
  /** Largest event (data + metadata as JSON), in bytes. Default 1 MiB. */
  maxEventSize?: number;
  /** Default page size of reads. Default 500. */
  batchSize?: number;
  /** Tries of an append that failed with a deadlock or serialization failure. Default 5. */
  writeAttempts?: number;
  /**
   * Group commit: how many statements of single-event appends with a number as expected
   * version may be in flight at once; past this many, such appends wait and go out
   * together in one statement. Other appends never wait. Default 4; `Infinity` sends
   * every append alone.
   */
  appendsInFlight?: number;
  /** The write path's mechanisms, each on by default (see {@link WritePathOptions}). */
  writePath?: WritePathOptions;
  /** Set by the module: inline projections and the wake-up of subscribers. @internal */
  hooks?: StoreHooks;
  /** Set by the module from its `personalData` option: master keys, the key cache. @internal */
  personalData?: SubjectKeyringOptions;
  /** A replica (the module's `readReplica`) for `queryEvents`, which may lag. */
  replica?: DataSource;
}
