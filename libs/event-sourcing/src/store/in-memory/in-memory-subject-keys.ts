import { SubjectForgottenError } from '../../errors/subject-forgotten-error';
import type { EventEnvelope } from '../../events/event-envelope';
import type { EventStore, ForgetResult } from '../event-store';
import { assertSubject, forgottenAppend, personalTextsOf } from '../personal-data/forget-steps';
import { tenantScopeOf } from '../tenant-scope';
import { openEnvelopes } from '../personal-data/open-envelopes';
import { sealAppend } from '../personal-data/seal-append';
import { SubjectKeyring, type SubjectKeyringOptions, type SubjectKey } from '../personal-data/subject-keyring';
import type { PreparedAppend } from '../prepared-append';
import { copy } from './in-memory-query';

/**
 * Personal data in the in-memory store, as on PostgreSQL: a key table (a tombstone once
 * a subject is forgotten), events stored sealed and opened on every read. @internal
 */
export class InMemorySubjectKeys {
  /** The key table: each subject's key as stored, null once forgotten. */
  private readonly table = new Map<string, Buffer | null>();
  /** Which streams hold personal data of which subject. */
  private readonly streams = new Map<string, Set<string>>();
  private readonly keyring: SubjectKeyring;

  constructor(
    options: SubjectKeyringOptions | undefined,
    private readonly maxEventSize: number,
    /** The store: its erasers, caches and appends. */
    private readonly store: EventStore,
  ) {
    // Nothing to cache in memory: every read goes to the table, so a change to it shows at once.
    this.keyring = new SubjectKeyring({ ...options, maxKeys: 0 });
  }

  /**
   * The append with its personal data encrypted, new subjects' keys stored.
   * @throws SubjectForgottenError for a subject forgotten; nothing is stored.
   */
  seal(prepared: PreparedAppend): PreparedAppend {
    if (!prepared.subjects) return prepared;
    const keys = new Map<string, SubjectKey>();
    for (const subject of prepared.subjects) {
      const stored = this.table.get(subject);
      if (stored === null) throw new SubjectForgottenError(subject, prepared.streamId);
      keys.set(subject, stored ? { key: this.keyring.unwrap(subject, stored), stored } : this.keyring.draw());
    }
    const sealed = sealAppend(prepared, keys, this.maxEventSize);
    for (const [subject, { stored }] of keys) {
      this.table.set(subject, stored);
      const streams = this.streams.get(subject) ?? new Set();
      this.streams.set(subject, streams.add(prepared.streamId));
    }
    return sealed;
  }

  /** Copies of stored events, their personal data decrypted. */
  open(events: readonly EventEnvelope[]): Promise<EventEnvelope[]> {
    return openEnvelopes(events.map(copy), (subjects) =>
      this.keyring.forRead(subjects, async (wanted) => {
        const rows = new Map<string, Buffer | null>();
        for (const subject of wanted) if (this.table.has(subject)) rows.set(subject, this.table.get(subject)!);
        return rows;
      }),
    );
  }

  /** `EventStore.forget` in memory (see there). */
  async forget(subject: string, events: (streamId: string) => readonly EventEnvelope[]): Promise<ForgetResult> {
    assertSubject(subject);
    const stored = this.table.get(subject);
    const streamIds = [...(this.streams.get(subject) ?? [])].sort();
    await tenantScopeOf(this.store)?.admitForget(subject, streamIds);
    if (stored === null) return { subject, forgotten: false, streamIds: [] };
    let values: string[] = [];
    try {
      if (stored) values = personalTextsOf(streamIds.flatMap(events), subject, this.keyring.unwrap(subject, stored));
    } catch {
      values = [];
    }
    await this.store.erasers.run({ subject, streamIds, values });
    this.table.set(subject, null);
    const { streamId, event } = forgottenAppend(subject, streamIds);
    await this.store.append(streamId, [event], { streamType: 'es.forgotten' });
    for (const id of streamIds) this.store.caches.forget(id);
    return { subject, forgotten: true, streamIds };
  }

  /** Replaces (or, with undefined, deletes) a subject's stored key: for tests of a damaged key table. @internal */
  damage(subject: string, stored: Buffer | undefined): void {
    if (stored) this.table.set(subject, stored);
    else this.table.delete(subject);
  }
}
