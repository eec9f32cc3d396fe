import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ConcurrencyError } from '../errors/concurrency-error';
import { isDatabaseAway } from '../database/database-away';
import { inTransaction } from '../database/in-transaction';
import { queryRows } from '../database/query-rows';
import { quoteIdentifier } from '../database/quote-identifier';
import type { SagaOutcome, SagaStatus } from './saga-context';
import {
  commandIdOf,
  type CommandRow,
  type DeadlineRow,
  type SagaInstance,
  type SagaInstanceWork,
  type SagaKey,
  type SagaPersistence,
  type StepCause,
  tenantColumnOf,
} from './saga-persistence';

interface SagaRow {
  saga_id: string;
  saga_type: string;
  correlation: string;
  tenant: string;
  state: Record<string, unknown>;
  version: number;
  status: SagaStatus;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

/**
 * Saga instances, deadlines and the command outbox in PostgreSQL tables; a transaction is
 * a query runner, and locks are row locks, so every instance of the app may run steps.
 * @internal
 */
export class PostgresSagaStore implements SagaPersistence<QueryRunner> {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.s = quoteIdentifier(schema);
  }

  transaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, work);
  }

  /** The page's manager belongs to its query runner: the step runs in that transaction. */
  inDelivery<T>(manager: EntityManager | undefined, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    return manager?.queryRunner ? work(manager.queryRunner) : this.transaction(work);
  }

  isAway(error: unknown): Promise<boolean> {
    return isDatabaseAway(this.dataSource, error);
  }

  async lock(runner: QueryRunner, by: SagaKey | { sagaId: string }): Promise<SagaInstance | undefined> {
    const where = 'sagaId' in by ? 'saga_id = $1' : 'saga_type = $1 AND tenant = $2 AND correlation = $3';
    const params = 'sagaId' in by ? [by.sagaId] : [by.sagaType, by.tenant, by.correlation];
    const rows = await this.run<SagaRow>(runner, `SELECT * FROM ${this.s}.es_sagas WHERE ${where} FOR UPDATE`, params);
    return rows[0] ? toInstance(rows[0]) : undefined;
  }

  async insert(runner: QueryRunner, instance: SagaInstance, startedBy: string): Promise<void> {
    await this.run(
      runner,
      `INSERT INTO ${this.s}.es_sagas (saga_id, saga_type, tenant, correlation, state, version, started_by)
       VALUES ($1, $2, $3, $4, '{}', 0, $5)`,
      [instance.sagaId, instance.sagaType, tenantColumnOf(instance), instance.correlation, startedBy],
    );
  }

  async markHandled(runner: QueryRunner, sagaId: string, messageId: string): Promise<boolean> {
    const rows = await this.run(
      runner,
      `INSERT INTO ${this.s}.es_saga_handled (saga_id, message_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [sagaId, messageId],
    );
    return rows.length === 1;
  }

  async saveStep(
    runner: QueryRunner,
    instance: SagaInstance,
    state: object,
    outcome: SagaOutcome,
    cause: StepCause,
    serialize: (command: object) => { type: string; payload: Record<string, unknown> },
  ): Promise<void> {
    const ended = outcome.ended;
    const updated = await this.run(
      runner,
      `UPDATE ${this.s}.es_sagas
          SET state = $3::jsonb, version = version + 1, status = $4, reason = $5, updated_at = now(),
              ended_at = CASE WHEN $4 = 'active' THEN NULL ELSE now() END
        WHERE saga_id = $1 AND version = $2 RETURNING saga_id`,
      [instance.sagaId, instance.version, JSON.stringify(state), ended?.status ?? 'active', ended?.reason ?? null],
    );
    if (updated.length !== 1) {
      const [current] = await this.run<{ version: number }>(
        runner,
        `SELECT version FROM ${this.s}.es_sagas WHERE saga_id = $1`,
        [instance.sagaId],
      );
      throw new ConcurrencyError(`saga-${instance.sagaId}`, instance.version, current?.version ?? 0);
    }
    for (const [index, command] of outcome.commands.entries()) {
      const { type, payload } = serialize(command);
      await this.run(
        runner,
        `INSERT INTO ${this.s}.es_saga_commands
           (command_id, saga_id, saga_type, command_type, payload, correlation_id, causation_id)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) ON CONFLICT (command_id) DO NOTHING`,
        [
          commandIdOf(instance.sagaId, cause.messageId, index),
          instance.sagaId,
          instance.sagaType,
          type,
          JSON.stringify(payload),
          cause.correlationId ?? null,
          cause.messageId,
        ],
      );
    }
    if (ended) {
      await this.run(runner, `DELETE FROM ${this.s}.es_saga_deadlines WHERE saga_id = $1`, [instance.sagaId]);
      return;
    }
    for (const name of outcome.cancelled) {
      await this.run(runner, `DELETE FROM ${this.s}.es_saga_deadlines WHERE saga_id = $1 AND name = $2`, [
        instance.sagaId,
        name,
      ]);
    }
    for (const [name, { dueAt, payload }] of outcome.scheduled) {
      await this.run(
        runner,
        `INSERT INTO ${this.s}.es_saga_deadlines (saga_id, name, saga_type, due_at, payload) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (saga_id, name) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload`,
        [instance.sagaId, name, instance.sagaType, dueAt, JSON.stringify(payload)],
      );
    }
  }

  dueDeadlines(sagaTypes: string[], limit: number): Promise<DeadlineRow[]> {
    return this.run<DeadlineRow>(
      undefined,
      `SELECT saga_id, saga_type, name, due_at, payload FROM ${this.s}.es_saga_deadlines
        WHERE due_at <= now() AND saga_type = ANY($1::text[]) ORDER BY due_at LIMIT $2`,
      [sagaTypes, limit],
    );
  }

  async postponeDeadline(sagaId: string, name: string, delayMs: number): Promise<void> {
    await this.run(
      undefined,
      `UPDATE ${this.s}.es_saga_deadlines SET due_at = now() + make_interval(secs => $3::float8 / 1000)
        WHERE saga_id = $1 AND name = $2`,
      [sagaId, name, delayMs],
    );
  }

  async takeDeadline(runner: QueryRunner, sagaId: string, name: string): Promise<DeadlineRow | undefined> {
    const rows = await this.run<DeadlineRow>(
      runner,
      `SELECT saga_id, saga_type, name, due_at, payload FROM ${this.s}.es_saga_deadlines
        WHERE saga_id = $1 AND name = $2 AND due_at <= now() FOR UPDATE SKIP LOCKED`,
      [sagaId, name],
    );
    return rows[0];
  }

  async deleteDeadline(runner: QueryRunner, sagaId: string, name: string): Promise<void> {
    await this.run(runner, `DELETE FROM ${this.s}.es_saga_deadlines WHERE saga_id = $1 AND name = $2`, [sagaId, name]);
  }

  async nextDeadline(sagaTypes: string[]): Promise<Date | undefined> {
    const rows = await this.run<{ due: Date | null }>(
      undefined,
      `SELECT min(due_at) AS due FROM ${this.s}.es_saga_deadlines WHERE saga_type = ANY($1::text[])`,
      [sagaTypes],
    );
    return rows[0]?.due ?? undefined;
  }

  async claimCommand(
    leaseMs: number,
    known: { sagaTypes: string[]; commandTypes: string[] },
  ): Promise<CommandRow | undefined> {
    const rows = await this.run<CommandRow>(
      undefined,
      `UPDATE ${this.s}.es_saga_commands
          SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $1::float8 / 1000)
        WHERE command_id = (
          SELECT command_id FROM ${this.s}.es_saga_commands
           WHERE status = 'pending' AND next_attempt_at <= now()
             AND saga_type = ANY($2::text[]) AND command_type = ANY($3::text[])
           ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING command_id, saga_id, saga_type, command_type, payload, correlation_id, causation_id, attempts`,
      [leaseMs, known.sagaTypes, known.commandTypes],
    );
    return rows[0];
  }

  async finishCommand(runner: QueryRunner | undefined, claim: CommandRow, error?: string): Promise<boolean> {
    const rows = await this.run(
      runner,
      `UPDATE ${this.s}.es_saga_commands SET status = $3, error = $4, done_at = now()
        WHERE command_id = $1 AND status = 'pending' AND attempts = $2 RETURNING command_id`,
      [claim.command_id, claim.attempts, error === undefined ? 'done' : 'failed', error ?? null],
    );
    return rows.length === 1;
  }

  async postponeCommand(claim: CommandRow, delayMs: number, error: string): Promise<void> {
    await this.run(
      undefined,
      `UPDATE ${this.s}.es_saga_commands
          SET error = $4, next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)
        WHERE command_id = $1 AND status = 'pending' AND attempts = $2`,
      [claim.command_id, claim.attempts, delayMs, error],
    );
  }

  async get(sagaId: string): Promise<SagaInstance | undefined> {
    const rows = await this.run<SagaRow>(undefined, `SELECT * FROM ${this.s}.es_sagas WHERE saga_id = $1`, [sagaId]);
    return rows[0] ? toInstance(rows[0]) : undefined;
  }

  async byCorrelation(key: SagaKey): Promise<SagaInstance | undefined> {
    const rows = await this.run<SagaRow>(
      undefined,
      `SELECT * FROM ${this.s}.es_sagas WHERE saga_type = $1 AND tenant = $2 AND correlation = $3`,
      [key.sagaType, key.tenant, key.correlation],
    );
    return rows[0] ? toInstance(rows[0]) : undefined;
  }

  async list(
    sagaType: string,
    status: SagaStatus | undefined,
    limit: number,
    tenant?: string,
  ): Promise<SagaInstance[]> {
    const rows = await this.run<SagaRow>(
      undefined,
      `SELECT * FROM ${this.s}.es_sagas WHERE saga_type = $1 AND ($2::text IS NULL OR status = $2)
          AND ($4::text IS NULL OR tenant = $4)
        ORDER BY created_at DESC LIMIT $3`,
      [sagaType, status ?? null, limit, tenant ?? null],
    );
    return rows.map(toInstance);
  }

  async details(sagaId: string): Promise<SagaInstanceWork> {
    const deadlines = await this.run<{ name: string; due_at: Date }>(
      undefined,
      `SELECT name, due_at FROM ${this.s}.es_saga_deadlines WHERE saga_id = $1 ORDER BY due_at`,
      [sagaId],
    );
    const pending = await this.run<{ n: number }>(
      undefined,
      `SELECT count(*)::int AS n FROM ${this.s}.es_saga_commands WHERE saga_id = $1 AND status = 'pending'`,
      [sagaId],
    );
    return {
      deadlines: deadlines.map((d) => ({ name: d.name, dueAt: d.due_at })),
      pendingCommands: pending[0]?.n ?? 0,
    };
  }

  private run<T = unknown>(runner: QueryRunner | undefined, sql: string, params: unknown[]): Promise<T[]> {
    return queryRows<T>(this.dataSource, runner, sql, params);
  }
}

function toInstance(row: SagaRow): SagaInstance {
  return {
    sagaId: row.saga_id,
    sagaType: row.saga_type,
    correlation: row.correlation,
    ...(row.tenant === '' ? {} : { tenantId: row.tenant }),
    state: row.state,
    version: row.version,
    status: row.status,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
  };
}
