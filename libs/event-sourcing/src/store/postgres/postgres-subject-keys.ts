import type { PoolClient } from 'pg';
import { SubjectForgottenError } from '../../errors/subject-forgotten-error';
import { pgErrorOf } from '../../errors/pg-error-fields';
import type { EventEnvelope, EventMetadata } from '../../events/event-envelope';
import type { AppendResult } from '../event-store';
import type { PreparedAppend } from '../prepared-append';
import { openEnvelopes } from '../personal-data/open-envelopes';
import { sealAppend } from '../personal-data/seal-append';
import { SubjectKeyring, type LoadKeys, type SubjectKeyringOptions } from '../personal-data/subject-keyring';

export type { SubjectKeyringOptions } from '../personal-data/subject-keyring';

/** Tries of an append whose subject got another key concurrently (it loads that key and seals again). */
const KEY_TRIES = 3;

/**
 * The PostgreSQL side of personal data: appends sealed with the subjects' keys (drawn
 * here, stored by the append's own statement), reads opened with keys from
 * `es_subject_keys`, and the statements of a forget. @internal
 */
export class PostgresSubjectKeys {
  constructor(
    private readonly s: string,
    options: SubjectKeyringOptions | undefined,
    readonly maxEventSize: number,
  ) {
    this.keyring = new SubjectKeyring(options);
  }

  readonly keyring: SubjectKeyring;

  /** The key table's rows of some subjects, read on `client`. */
  loader(client: PoolClient): LoadKeys {
    return async (subjects) => {
      const { rows } = await client.query<{ subject: string; key: Buffer | null }>(
        `SELECT subject, key FROM ${this.s}.es_subject_keys WHERE subject = ANY ($1::text[])`,
        [subjects],
      );
      return new Map(rows.map((row) => [row.subject, row.key]));
    };
  }

  /**
   * Runs `send` with the append sealed: its personal data encrypted with the subjects'
   * keys, which its statement stores for new subjects. When a subject has another key
   * (drawn by another process at the same moment), that key is loaded and the append
   * sealed and sent again.
   * @throws SubjectForgottenError when a subject was forgotten; nothing is written.
   */
  async append(
    client: PoolClient,
    prepared: PreparedAppend,
    inTransaction: boolean,
    send: (sealed: PreparedAppend) => Promise<AppendResult>,
  ): Promise<AppendResult> {
    const subjects = prepared.subjects!;
    const forgotten = (subject: string): Error => new SubjectForgottenError(subject, prepared.streamId);
    for (let tries = 1; ; tries++) {
      const keys = this.keyring.forAppend(subjects, forgotten);
      const sealed = sealAppend(prepared, keys, this.maxEventSize);
      sealed.claims = [subjects, subjects.map((subject) => keys.get(subject)!.stored)];
      try {
        const result = await send(sealed);
        // Outside a transaction the keys are committed now; inside, the commit is the caller's.
        if (!inTransaction) for (const [subject, key] of keys) this.keyring.learn(subject, key);
        return result;
      } catch (error) {
        const { code, detail } = pgErrorOf(error) ?? {};
        if (code === 'ESK02' && detail) {
          this.keyring.learn(detail, 'forgotten');
          throw forgotten(detail);
        }
        if (code !== 'ESK01' || tries >= KEY_TRIES) throw error;
        await this.keyring.load(subjects, this.loader(client));
      }
    }
  }

  /** Decrypts the personal data of events read on `client` (see `openEnvelopes`). */
  open(client: PoolClient, events: EventEnvelope[]): Promise<EventEnvelope[]> {
    return openEnvelopes(events, (subjects) => this.keyring.forRead(subjects, this.loader(client)));
  }

  /** Locks the subject's row for a forget (waiting for appends in flight): its stored key, null for a tombstone, undefined for none. */
  async lockForForget(client: PoolClient, subject: string): Promise<Buffer | null | undefined> {
    const { rows } = await client.query<{ key: Buffer | null }>(
      `SELECT key FROM ${this.s}.es_subject_keys WHERE subject = $1 FOR UPDATE`,
      [subject],
    );
    return rows[0] ? rows[0].key : undefined;
  }

  /** The streams holding the subject's personal data, and their events that carry personal data. */
  async holdings(
    client: PoolClient,
    subject: string,
  ): Promise<{ streamIds: string[]; events: { data: unknown; metadata: EventMetadata }[] }> {
    const { rows } = await client.query<{ stream_id: string }>(
      `SELECT stream_id FROM ${this.s}.es_subject_streams WHERE subject = $1 ORDER BY stream_id`,
      [subject],
    );
    const streamIds = rows.map((row) => row.stream_id);
    if (streamIds.length === 0) return { streamIds, events: [] };
    const events = await client.query<{ data: unknown; metadata: EventMetadata }>(
      `SELECT data, metadata FROM ${this.s}.es_events WHERE stream_id = ANY ($1::text[]) AND metadata ? '$pd'`,
      [streamIds],
    );
    return { streamIds, events: events.rows };
  }

  /**
   * Deletes the natural keys of the subject's streams whose value is its personal data
   * (compared case-insensitively): a forgotten email is free again, and no longer found.
   */
  async dropNaturalKeys(client: PoolClient, streamIds: readonly string[], values: readonly string[]): Promise<void> {
    if (streamIds.length === 0 || values.length === 0) return;
    await client.query(
      `DELETE FROM ${this.s}.es_natural_keys WHERE stream_id = ANY ($1::text[]) AND lower(value) = ANY ($2::text[])`,
      [streamIds, values.map((v) => v.trim().toLowerCase())],
    );
  }

  /** The forget itself, one statement: the key gone, a tombstone in its place (for an unknown subject too). */
  async tombstone(client: PoolClient, subject: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.s}.es_subject_keys (subject, key, forgotten_at) VALUES ($1, NULL, now())
       ON CONFLICT (subject) DO UPDATE SET key = NULL, forgotten_at = now() WHERE ${this.s}.es_subject_keys.key IS NOT NULL`,
      [subject],
    );
  }
}
