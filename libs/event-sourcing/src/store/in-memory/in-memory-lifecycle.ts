import { NaturalKeyTakenError } from '../../errors/natural-key-taken-error';
import { StreamNotFoundError } from '../../errors/stream-not-found-error';
import { StreamTombstonedError } from '../../errors/stream-tombstoned-error';
import type { EventEnvelope } from '../../events/event-envelope';
import type { StreamDescription } from '../event-store';
import type { NaturalKeyClaim, PreparedEffects, StreamTombstone } from '../stream-effects';
import type { StreamState } from './in-memory-transaction';

/** One stream's hold on a natural key, as `es_natural_keys` keeps it. */
interface KeyRow {
  streamId: string;
  /** '' for none. */
  tenant: string;
  key: string;
  value: string;
  released: boolean;
}

/** What the in-memory store holds, as far as a hard delete changes it. @internal */
export interface InMemoryContents {
  streams: Map<string, StreamState>;
  byId: Map<string, EventEnvelope>;
  log: EventEnvelope[];
}

/**
 * The in-memory store's natural keys and tombstones, with the PostgreSQL store's rules:
 * a value is held by one stream of a tenant at a time among keys not released; a soft-deleted
 * stream's keys are released and kept, to be claimed again on restore; a tombstoned id
 * takes no more events. Effects are checked when appended and again at commit, where
 * they are applied. @internal
 */
export class InMemoryLifecycle {
  /** By `${streamId}\0${key}`. */
  private readonly rows = new Map<string, KeyRow>();
  /** The stream holding each `${tenant}\0${key}\0${value}` (rows not released). */
  private readonly held = new Map<string, string>();
  private readonly tombstones = new Map<string, StreamTombstone>();

  /** @throws StreamTombstonedError for a hard-deleted stream. */
  assertAlive(streamId: string): void {
    if (this.tombstones.has(streamId)) throw new StreamTombstonedError(streamId);
  }

  /** @throws NaturalKeyTakenError when another stream holds a key `effects` claims or restores. */
  check(streamId: string, effects: PreparedEffects | undefined): void {
    if (!effects) return;
    const claims: (NaturalKeyClaim & { tenant: string })[] = effects.claim.map((c) => ({
      ...c,
      tenant: effects.tenant,
    }));
    if (effects.lifecycle === 'restore') {
      for (const row of this.rows.values()) if (row.streamId === streamId && row.released) claims.push(row);
    }
    for (const { tenant, key, value } of claims) {
      const holder = this.held.get(heldKey(tenant, key, value));
      if (holder !== undefined && holder !== streamId) throw new NaturalKeyTakenError(key, value, streamId);
    }
  }

  /** Applies checked effects (see {@link check}). */
  apply(streamId: string, effects: PreparedEffects): void {
    for (const key of effects.release) this.drop(streamId, key);
    const { tenant } = effects;
    for (const { key, value } of effects.claim) {
      this.drop(streamId, key);
      this.rows.set(`${streamId}\0${key}`, { streamId, tenant, key, value, released: false });
      this.held.set(heldKey(tenant, key, value), streamId);
    }
    if (!effects.lifecycle) return;
    const released = effects.lifecycle === 'delete';
    for (const row of this.rows.values()) {
      if (row.streamId !== streamId) continue;
      row.released = released;
      if (released) this.held.delete(heldKey(row.tenant, row.key, row.value));
      else this.held.set(heldKey(row.tenant, row.key, row.value), streamId);
    }
  }

  /** The stream of `tenant` ('' for none) holding `value` of `key`. */
  find(tenant: string, key: string, value: string): string | undefined {
    return this.held.get(heldKey(tenant, key, value));
  }

  tombstoneOf(streamId: string): StreamTombstone | undefined {
    const tombstone = this.tombstones.get(streamId);
    return tombstone && { ...tombstone };
  }

  /**
   * Removes the stream's events and keys from `contents` and keeps its tombstone;
   * answers it, and whether it is new.
   * @throws StreamNotFoundError for a stream with no events and no tombstone.
   */
  bury(contents: InMemoryContents, streamId: string): { tombstone: StreamTombstone; fresh: boolean } {
    const existing = this.tombstoneOf(streamId);
    if (existing) return { tombstone: existing, fresh: false };
    const state = contents.streams.get(streamId);
    const last = state?.events.at(-1);
    if (!state || !last) throw new StreamNotFoundError(streamId);
    const tombstone: StreamTombstone = {
      streamId,
      streamType: state.type,
      lastVersion: last.version,
      lastPosition: last.position,
      deletedAt: new Date(),
    };
    this.tombstones.set(streamId, tombstone);
    contents.streams.delete(streamId);
    for (const event of state.events) contents.byId.delete(event.eventId);
    const kept = contents.log.filter((event) => event.streamId !== streamId);
    contents.log.splice(0, contents.log.length, ...kept);
    for (const row of [...this.rows.values()]) if (row.streamId === streamId) this.drop(streamId, row.key);
    return { tombstone: { ...tombstone }, fresh: true };
  }

  /**
   * Drops the natural keys of `streamIds` whose value is one of `values` (personal data of
   * a subject being forgotten), compared case-insensitively, released ones too.
   */
  async eraseValues(streamIds: readonly string[], values: readonly string[]): Promise<void> {
    const lowered = new Set(values.map((v) => v.trim().toLowerCase()));
    for (const row of [...this.rows.values()]) {
      if (streamIds.includes(row.streamId) && lowered.has(row.value.toLowerCase())) this.drop(row.streamId, row.key);
    }
  }

  private drop(streamId: string, key: string): void {
    const row = this.rows.get(`${streamId}\0${key}`);
    if (!row) return;
    this.rows.delete(`${streamId}\0${key}`);
    if (!row.released) this.held.delete(heldKey(row.tenant, key, row.value));
  }
}

/** The key of `held`: a value is unique within its tenant. */
function heldKey(tenant: string, key: string, value: string): string {
  return `${tenant}\0${key}\0${value}`;
}

/** `describeStream`'s answer for a stream held in memory. @internal */
export function describeInMemory(streamId: string, state: StreamState | undefined): StreamDescription | undefined {
  const first = state?.events[0];
  if (!state || !first) return undefined;
  const { type: streamType, version, deleted = false } = state;
  return { streamId, streamType, version, deleted, createdAt: first.createdAt };
}
