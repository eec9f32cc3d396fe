import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { quoteIdentifier } from '../database/quote-identifier';
import type { ParkedEvent } from '../subscriptions/checkpoint-store';
import type { BrokerName } from './brokers-options';
import type { ReceivedMessage } from './integration-message';

/** Where a message was consumed from. @internal */
export interface InboxOrigin {
  consumer: string;
  broker: BrokerName;
  source: string;
}

/** A parked message as the inbox keeps it. @internal */
export interface ParkedMessage extends ReceivedMessage {
  consumer: string;
  attempts: number;
}

interface ParkedRow {
  consumer: string;
  message_id: string;
  broker: string;
  source: string;
  subject: string;
  sequence: string | null;
  headers: Record<string, string> | null;
  body: Buffer | null;
  error: string;
  attempts: number;
  updated_at: Date;
}

/** PostgreSQL text takes no NUL. */
const clean = (value: string): string => value.replace(/\u0000/g, '');

/** The first six columns of an inbox row: consumer, message id, broker, source, subject, sequence. */
function keyOf(origin: InboxOrigin, message: ReceivedMessage): unknown[] {
  const { consumer, broker, source } = origin;
  return [consumer, clean(message.id), broker, source, clean(message.subject), message.sequence ?? null];
}

/** The SQL of the inbox (`es_inbox`). @internal */
export class InboxStore {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `${quoteIdentifier(schema)}.es_inbox`;
  }

  /** Records the message as handled, in the handler's transaction; false when it was seen before. */
  async claim(origin: InboxOrigin, message: ReceivedMessage, attempt: number, runner: QueryRunner): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      runner,
      `INSERT INTO ${this.table} (consumer, message_id, status, broker, source, subject, sequence, attempts)
       VALUES ($1, $2, 'handled', $3, $4, $5, $6, $7)
       ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id`,
      [...keyOf(origin, message), attempt],
    );
    return rows.length === 1;
  }

  /** Parks a message with its body and error; a message handled meanwhile stays handled. */
  async park(origin: InboxOrigin, message: ReceivedMessage, error: string, attempts: number): Promise<void> {
    const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [clean(k), clean(v)]));
    await queryRows(
      this.dataSource,
      undefined,
      `INSERT INTO ${this.table} (consumer, message_id, status, broker, source, subject, sequence, headers, body, error, attempts)
       VALUES ($1, $2, 'parked', $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (consumer, message_id) DO UPDATE
         SET error = excluded.error, attempts = ${this.table}.attempts + excluded.attempts, updated_at = now()
       WHERE ${this.table}.status = 'parked'`,
      [...keyOf(origin, message), JSON.stringify(headers), Buffer.from(message.body), clean(error), attempts],
    );
  }

  /** Parked messages of these consumers, oldest first, as `Subscriptions.parked` lists events. */
  async parked(consumers: readonly string[]): Promise<ParkedEvent[]> {
    const rows = await queryRows<ParkedRow>(
      this.dataSource,
      undefined,
      `SELECT consumer, message_id, broker, source, subject, sequence, error, attempts, updated_at
         FROM ${this.table} WHERE status = 'parked' AND consumer = ANY($1::text[]) ORDER BY updated_at`,
      [[...consumers]],
    );
    return rows.map((row) => ({
      subscriber: row.consumer,
      eventId: row.message_id,
      streamId: `${row.broker}:${row.source}`,
      version: 0,
      position: BigInt(row.sequence ?? 0),
      type: row.subject,
      error: row.error,
      attempts: row.attempts,
      parkedAt: row.updated_at,
    }));
  }

  /** Takes a parked message back to handle it, in the caller's transaction (locked until it ends). */
  async unpark(consumer: string, id: string, runner: QueryRunner): Promise<ParkedMessage | undefined> {
    const rows = await queryRows<ParkedRow>(
      this.dataSource,
      runner,
      `UPDATE ${this.table} SET status = 'handled', attempts = attempts + 1, updated_at = now()
        WHERE consumer = $1 AND message_id = $2 AND status = 'parked'
        RETURNING consumer, message_id, subject, sequence, headers, body, attempts`,
      [consumer, id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      consumer: row.consumer,
      id: row.message_id,
      subject: row.subject,
      sequence: row.sequence === null ? undefined : Number(row.sequence),
      headers: row.headers ?? {},
      body: row.body ?? Buffer.alloc(0),
      attempts: row.attempts,
    };
  }

  /** Records the error of a retry that failed again. */
  async failedAgain(consumer: string, id: string, error: string): Promise<void> {
    await queryRows(
      this.dataSource,
      undefined,
      `UPDATE ${this.table} SET error = $3, attempts = attempts + 1, updated_at = now()
        WHERE consumer = $1 AND message_id = $2 AND status = 'parked'`,
      [consumer, id, clean(error)],
    );
  }

  /** Gives up on a parked message: it stays in the inbox as dismissed, so it is never handled. */
  async dismiss(consumer: string, id: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      undefined,
      `UPDATE ${this.table} SET status = 'dismissed', body = NULL, updated_at = now()
        WHERE consumer = $1 AND message_id = $2 AND status = 'parked' RETURNING message_id`,
      [consumer, id],
    );
    return rows.length === 1;
  }

  /**
   * Erases a forgotten subject's personal data (`texts`) from the parked messages whose
   * body or error quotes it: the body goes, the message is dismissed. In the forget's transaction.
   */
  async eraseContaining(texts: readonly string[], manager?: EntityManager): Promise<void> {
    if (texts.length === 0) return;
    await (manager ?? this.dataSource.manager).query(
      `UPDATE ${this.table} SET status = CASE WHEN status = 'parked' THEN 'dismissed' ELSE status END,
              body = NULL, error = CASE WHEN error IS NULL THEN NULL ELSE '[forgotten]' END, updated_at = now()
        WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS t(text)
                       WHERE position(convert_to(t.text, 'UTF8') IN coalesce(body, '')) > 0 OR position(t.text IN coalesce(error, '')) > 0)`,
      [texts],
    );
  }
}
