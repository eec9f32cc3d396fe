import { errorMessage } from '../errors/error-message';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { findDatePaths, restoreDates } from '../events/date-paths';
import type { EventEnvelope } from '../events/event-envelope';
import { DATE_PATHS_KEY, type EventTypeRegistry } from '../events/event-type-registry';
import { SagaContext, sagaCommandFailure, type SagaDeadline } from './saga-context';
import type { SagaDefinition } from './saga-definition';
import type { CommandRow, DeadlineRow, SagaInstance, SagaPersistence, StepCause } from './saga-persistence';
import { currentTraceContext } from '../observability/trace-context';
import type { StoredTraceContext } from '../observability/stored-trace-context';

/** Where a stored command's payload keeps the trace context of the step that decided it. @internal */
export const TRACE_KEY = '$trace';

/**
 * Where a stored command's or deadline's payload keeps the tenant of the step that
 * decided it (the event's, under `tenancy`), so it is dispatched or fired for that
 * tenant however much later. @internal
 */
export const TENANT_KEY = '$tenant';

/** The trace context stored with a command of the outbox, if any. @internal */
export function traceOfCommand(row: CommandRow): unknown {
  return row.payload[TRACE_KEY];
}

/** The tenant stored with a command or deadline (see {@link TENANT_KEY}), if any. @internal */
export function tenantOfPayload(payload: Record<string, unknown>): string | undefined {
  const tenant = payload[TENANT_KEY];
  return typeof tenant === 'string' ? tenant : undefined;
}

/**
 * Runs saga steps, each in the caller's transaction (`Tx`, PostgreSQL's or memory's): finds (or starts)
 * the instance an event, deadline or command failure belongs to, locks it, skips a
 * message it handled already, calls the method, and stores state, commands, deadlines
 * and the end with a version check. @internal
 */
export class SagaEngine<Tx> {
  private readonly logger = new Logger('Sagas');

  constructor(
    private readonly store: SagaPersistence<Tx>,
    private readonly registry: EventTypeRegistry,
  ) {}

  /** An event from the saga's subscription, in the batch's transaction. */
  async handleEvent(definition: SagaDefinition, envelope: EventEnvelope, tx: Tx): Promise<void> {
    const route = definition.routes.get(envelope.type);
    if (!route) return;
    // Correlate on the event as the saga knows it: upcast to its current revision.
    const data = this.registry.toInstance(envelope, 'throw');
    const correlation = definition.correlationOf(envelope.type, data);
    if (correlation === undefined) return;
    const { correlationId, tenantId } = envelope.metadata;
    const tenant = typeof tenantId === 'string' ? tenantId : undefined;
    // An instance is the tenant's own: another tenant's event with the same value starts another.
    let instance = await this.store.lock(tx, { sagaType: definition.name, tenant: tenant ?? '', correlation });
    const method = instance ? route.event : route.start;
    if (!method || (instance && instance.status !== 'active')) return;
    if (!instance) {
      instance = newInstance(definition.name, correlation, tenant);
      await this.store.insert(tx, instance, envelope.eventId);
    }
    const event = { ...envelope, data };
    await this.step(definition, tx, instance, cause(envelope.eventId, correlationId, tenant), (saga) =>
      definition.call(method, event, saga),
    );
  }

  /**
   * A deadline that fell due, in the caller's transaction: locks the saga, then the
   * deadline (the order of a step), and fires it unless it is gone or moved meanwhile.
   * It is deleted with the step.
   */
  async fireDeadline(definition: SagaDefinition, due: DeadlineRow, tx: Tx): Promise<boolean> {
    const instance = await this.store.lock(tx, { sagaId: due.saga_id });
    const deadline = await this.store.takeDeadline(tx, due.saga_id, due.name);
    if (!deadline) return false;
    await this.store.deleteDeadline(tx, deadline.saga_id, deadline.name);
    const method = definition.deadlines.get(deadline.name);
    if (!instance || instance.status !== 'active' || !method) return true;
    const { [TENANT_KEY]: _tenant, ...payload } = deadline.payload;
    const message: SagaDeadline = { name: deadline.name, dueAt: deadline.due_at, payload };
    const tenant = tenantOfPayload(deadline.payload);
    await this.step(definition, tx, instance, cause(randomUUID(), undefined, tenant), (saga) =>
      definition.call(method, message, saga),
    );
    return true;
  }

  /** A command that failed for good: its saga's failure method runs, in the caller's transaction. */
  async commandFailed(
    definition: SagaDefinition,
    row: CommandRow,
    command: object,
    error: unknown,
    tx: Tx,
  ): Promise<void> {
    const instance = await this.store.lock(tx, { sagaId: row.saga_id });
    const method = definition.failureMethod(command);
    if (!instance || instance.status !== 'active') return;
    if (!method) {
      this.logger.error(
        `${definition.owner} ${instance.sagaId}: ${row.command_type} failed for good and the saga has no @OnSagaCommandFailure for it: ${errorMessage(error)}`,
      );
      return;
    }
    const failure = sagaCommandFailure(command, row.command_type, error);
    const tenant = tenantOfPayload(row.payload);
    await this.step(definition, tx, instance, cause(row.command_id, row.correlation_id ?? undefined, tenant), (saga) =>
      definition.call(method, failure, saga),
    );
  }

  /**
   * A command as stored in the outbox: its class name and data (Dates kept), the trace
   * context of the step that decided it, if any, for its dispatch to continue, and the
   * step's tenant, if any, for its dispatch to run for.
   */
  serialize(
    command: object,
    trace?: StoredTraceContext,
    tenant?: string,
  ): { type: string; payload: Record<string, unknown> } {
    const data = { ...command } as Record<string, unknown>;
    const dates = findDatePaths(data);
    const payload: Record<string, unknown> = dates.length ? { ...data, [DATE_PATHS_KEY]: dates } : data;
    if (trace) payload[TRACE_KEY] = trace;
    if (tenant !== undefined) payload[TENANT_KEY] = tenant;
    return { type: command.constructor.name, payload };
  }

  /** A stored command as an instance of its class. */
  deserialize(row: CommandRow, commandClass: abstract new (...args: never[]) => object): object {
    const { [DATE_PATHS_KEY]: dates, [TRACE_KEY]: _trace, [TENANT_KEY]: _tenant, ...data } = row.payload;
    return Object.assign(Object.create(commandClass.prototype as object) as object, restoreDates(data, dates));
  }

  private async step(
    definition: SagaDefinition,
    tx: Tx,
    instance: SagaInstance,
    stepCause: StepCause,
    invoke: (saga: SagaContext) => Promise<void>,
  ): Promise<void> {
    if (!(await this.store.markHandled(tx, instance.sagaId, stepCause.messageId))) return;
    const saga = new SagaContext(
      instance.sagaId,
      definition.name,
      instance.correlation,
      structuredState(instance.state),
    );
    await invoke(saga);
    const trace = currentTraceContext();
    const { tenantId } = stepCause;
    // Deadlines keep the step's tenant too: they fire, and dispatch, for it.
    if (tenantId !== undefined) {
      for (const deadline of saga.outcome.scheduled.values()) {
        deadline.payload = { ...deadline.payload, [TENANT_KEY]: tenantId };
      }
    }
    await this.store.saveStep(tx, instance, saga.state, saga.outcome, stepCause, (command) =>
      this.serialize(command, trace, tenantId),
    );
  }
}

function newInstance(sagaType: string, correlation: string, tenantId: string | undefined): SagaInstance {
  const now = new Date();
  return {
    sagaId: randomUUID(),
    sagaType,
    correlation,
    ...(tenantId === undefined ? {} : { tenantId }),
    state: {},
    version: 0,
    status: 'active',
    reason: null,
    createdAt: now,
    updatedAt: now,
    endedAt: null,
  };
}

function cause(messageId: string, correlationId: string | undefined, tenantId: string | undefined): StepCause {
  return { messageId, correlationId, tenantId };
}

/** A copy of the stored state for the method to change; JSON in, JSON out. */
function structuredState(state: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(state ?? {})) as Record<string, unknown>;
}
