import type { EntityManager } from 'typeorm';

/** The response of a completed request, as it is replayed for a repeat of its key. */
export interface StoredResponse {
  status: number;
  /** Response headers worth replaying (`Location`, `ETag`), by lower-case name. */
  headers: Record<string, string>;
  /** The JSON body; null for none. */
  body: unknown;
}

/** What claiming an Idempotency-Key found. */
export type IdempotencyClaim =
  /** The key is this request's now: run it, then `complete` or `release` with `claimId`. */
  | { outcome: 'claimed'; claimId: string }
  /** A request with the key is running (or died less than the pending timeout ago). */
  | { outcome: 'pending'; fingerprint: string }
  /** A request with the key succeeded: answer its response again. */
  | { outcome: 'completed'; fingerprint: string; response: StoredResponse };

/**
 * Where Idempotency-Key records live: a PostgreSQL table (`es_idempotency_keys`) on a
 * database, a map in memory with `database: 'memory'`. Every method is atomic, so two
 * requests with one key never both get `claimed`.
 */
export abstract class IdempotencyStore {
  /**
   * Claims `key` for a request with this fingerprint, unless it is held: by a pending
   * request younger than the pending timeout, or by a completed one younger than the
   * retention. Older records are taken over.
   */
  abstract claim(key: string, fingerprint: string): Promise<IdempotencyClaim>;

  /** Records the response of the request that holds the claim. */
  abstract complete(key: string, claimId: string, response: StoredResponse): Promise<void>;

  /** Gives the key up again (the request failed), if the claim still holds it. */
  abstract release(key: string, claimId: string): Promise<void>;

  /** Forgets records older than the retention; answers how many. */
  abstract purgeExpired(): Promise<number>;

  /**
   * Deletes the records whose stored response holds any of `texts` (the personal data of
   * a subject being forgotten); answers how many. A repeat of such a request runs again
   * instead of being answered from the record. `manager`: the forget's transaction.
   */
  abstract eraseContaining(texts: readonly string[], manager?: EntityManager): Promise<number>;
}
