import { randomUUID } from 'node:crypto';
import { IdempotencyStore, type IdempotencyClaim, type StoredResponse } from './idempotency-store';

interface Entry {
  fingerprint: string;
  claimId: string;
  createdAt: number;
  response?: StoredResponse;
}

/** Idempotency-Key records in a map, for `database: 'memory'`: one process, nothing kept. @internal */
export class InMemoryIdempotencyStore extends IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly pendingTimeoutMs: number,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async claim(key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const entry = this.entries.get(key);
    if (entry && !this.expired(entry)) {
      return entry.response
        ? { outcome: 'completed', fingerprint: entry.fingerprint, response: structuredClone(entry.response) }
        : { outcome: 'pending', fingerprint: entry.fingerprint };
    }
    const claimId = randomUUID();
    this.entries.set(key, { fingerprint, claimId, createdAt: this.now() });
    return { outcome: 'claimed', claimId };
  }

  async complete(key: string, claimId: string, response: StoredResponse): Promise<void> {
    const entry = this.entries.get(key);
    if (entry?.claimId === claimId) entry.response = structuredClone(response);
  }

  async release(key: string, claimId: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry?.claimId === claimId && !entry.response) this.entries.delete(key);
  }

  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (const [key, entry] of this.entries) {
      if (this.now() - entry.createdAt > this.retentionMs) {
        this.entries.delete(key);
        purged++;
      }
    }
    return purged;
  }

  async eraseContaining(texts: readonly string[]): Promise<number> {
    let erased = 0;
    for (const [key, { response }] of this.entries) {
      const text = response ? JSON.stringify(response) : '';
      if (texts.some((t) => text.includes(JSON.stringify(t).slice(1, -1)))) {
        this.entries.delete(key);
        erased++;
      }
    }
    return erased;
  }

  private expired(entry: Entry): boolean {
    const age = this.now() - entry.createdAt;
    return age > this.retentionMs || (!entry.response && age > this.pendingTimeoutMs);
  }
}
