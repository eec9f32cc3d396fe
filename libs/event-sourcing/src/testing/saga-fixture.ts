import { randomUUID } from 'node:crypto';
import { requireDomainEventMetadata, type DomainEventClass } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { ConfigurationError } from '../errors/configuration-error';
import { SagaContext, sagaCommandFailure, type SagaDeadline, type SagaStatus } from '../sagas/saga-context';
import { SagaDefinition } from '../sagas/saga-definition';
import { getDurableSagaMetadata } from '../sagas/durable-saga.decorator';

interface Instance {
  sagaId: string;
  correlation: string;
  state: Record<string, unknown>;
  status: SagaStatus;
  reason?: string;
  deadlines: Map<string, { dueAt: Date; payload: Record<string, unknown> }>;
}

/** A command failure among the `given` history of {@link sagaFixture}. */
export class CommandFailed {
  constructor(
    readonly command: object,
    readonly error: Error,
  ) {}
}

/**
 * A command the saga dispatched that failed for good, to put in `given` history.
 * @example
 * sagaFixture(saga).given(requested, commandFailed(new CreditForTransfer('b', 't-1', 5), new AccountClosedError('b')))
 */
export function commandFailed(command: object, error: Error): CommandFailed {
  return new CommandFailed(command, error);
}

/** What one step decided. */
interface Step {
  commands: object[];
  scheduled: string[];
  cancelled: string[];
}

/**
 * Given/when/then tests of a `@DurableSaga`, with no database: `given` events build the
 * instance (what they dispatch is dropped), `when` runs one more event, a deadline, the
 * passing of time or a command failure, and the result asserts what that step did. The
 * saga's methods run exactly as on PostgreSQL, minus the storage.
 * @example
 * const result = await sagaFixture(new TransferSaga())
 *   .given(new TransferRequested('t-1', 'a', 'b', 500))
 *   .when(new MoneyWithdrawn('a', 500, 0, 't-1'));
 * result.expectDispatched(new CreditForTransfer('b', 't-1', 500));
 */
export function sagaFixture(saga: object): SagaFixture {
  const metadata = getDurableSagaMetadata(saga.constructor);
  if (!metadata) throw new ConfigurationError(`sagaFixture: ${saga.constructor.name} has no @DurableSaga.`);
  return new SagaFixture(new SagaDefinition(saga, metadata));
}

/** See {@link sagaFixture}. */
export class SagaFixture {
  private instance: Instance | undefined;
  private readonly history: object[] = [];
  private version = 0;

  constructor(private readonly definition: SagaDefinition) {}

  /** Events (and `commandFailed(...)`s) that happened before, in order. */
  given(...events: object[]): this {
    this.history.push(...events);
    return this;
  }

  /** Runs the history, then this event. */
  async when(event: object): Promise<SagaResult> {
    await this.replayHistory();
    return this.result(await this.onEvent(event));
  }

  /** Runs the history, then fires the deadline of that name (set by the history). */
  async whenDeadline(name: string): Promise<SagaResult> {
    await this.replayHistory();
    const deadline = this.instance?.deadlines.get(name);
    if (!deadline) throw new Error(`sagaFixture: no deadline "${name}" is set.`);
    return this.result(await this.fire(name, deadline));
  }

  /** Runs the history, then lets `ms` pass: every deadline due by then fires, in time order. */
  async whenTimePasses(ms: number): Promise<SagaResult> {
    await this.replayHistory();
    const until = Date.now() + ms;
    const steps: Step[] = [];
    for (;;) {
      const due = [...(this.instance?.deadlines ?? [])]
        .filter(([, d]) => d.dueAt.getTime() <= until)
        .sort(([, a], [, b]) => a.dueAt.getTime() - b.dueAt.getTime())[0];
      if (!due || this.instance?.status !== 'active') break;
      steps.push(await this.fire(due[0], due[1]));
    }
    return this.result(merge(steps));
  }

  /** Runs the history, then reports that a command the saga dispatched failed for good. */
  async whenCommandFails(command: object, error: Error): Promise<SagaResult> {
    await this.replayHistory();
    return this.result(await this.onFailure(new CommandFailed(command, error)));
  }

  private async onFailure({ command, error }: CommandFailed): Promise<Step> {
    const instance = this.requireActive();
    const method = this.definition.failureMethod(command);
    if (!method)
      throw new Error(`sagaFixture: ${this.definition.owner} handles no failure of ${command.constructor.name}.`);
    const failure = sagaCommandFailure(command, command.constructor.name, error);
    return this.step(instance, (saga) => this.definition.call(method, failure, saga));
  }

  private async replayHistory(): Promise<void> {
    for (const item of this.history.splice(0)) {
      if (item instanceof CommandFailed) await this.onFailure(item);
      else await this.onEvent(item);
    }
  }

  private async onEvent(event: object): Promise<Step> {
    const { type, revision } = requireDomainEventMetadata(event.constructor as DomainEventClass, 'sagaFixture');
    const route = this.definition.routes.get(type);
    const correlation = this.definition.correlationOf(type, event);
    const none: Step = { commands: [], scheduled: [], cancelled: [] };
    if (!route || correlation === undefined) return none;
    if (this.instance && this.instance.correlation !== correlation) return none;
    const method = this.instance ? route.event : route.start;
    if (!method || (this.instance && this.instance.status !== 'active')) return none;
    this.instance ??= { sagaId: randomUUID(), correlation, state: {}, status: 'active', deadlines: new Map() };
    const envelope: EventEnvelope = {
      eventId: randomUUID(),
      streamId: 'fixture',
      version: ++this.version,
      position: BigInt(this.version),
      transactionId: BigInt(this.version),
      type,
      revision,
      data: event,
      metadata: { correlationId: 'fixture' },
      tags: [],
      createdAt: new Date(),
    };
    return this.step(this.instance, (saga) => this.definition.call(method, envelope, saga));
  }

  private async fire(name: string, deadline: { dueAt: Date; payload: Record<string, unknown> }): Promise<Step> {
    const instance = this.requireActive();
    instance.deadlines.delete(name);
    const method = this.definition.deadlines.get(name);
    if (!method) return { commands: [], scheduled: [], cancelled: [] };
    const message: SagaDeadline = { name, ...deadline };
    return this.step(instance, (saga) => this.definition.call(method, message, saga));
  }

  private async step(instance: Instance, invoke: (saga: SagaContext) => Promise<void>): Promise<Step> {
    const saga = new SagaContext(
      instance.sagaId,
      this.definition.name,
      instance.correlation,
      JSON.parse(JSON.stringify(instance.state)) as Record<string, unknown>,
    );
    await invoke(saga);
    // Stored as JSON, as on PostgreSQL: what would not survive that fails here.
    instance.state = JSON.parse(JSON.stringify(saga.state)) as Record<string, unknown>;
    const { commands, scheduled, cancelled, ended } = saga.outcome;
    for (const name of cancelled) instance.deadlines.delete(name);
    for (const [name, deadline] of scheduled) instance.deadlines.set(name, deadline);
    if (ended) {
      instance.status = ended.status;
      instance.reason = ended.reason;
      instance.deadlines.clear();
    }
    return { commands, scheduled: [...scheduled.keys()], cancelled: [...cancelled] };
  }

  private requireActive(): Instance {
    if (!this.instance) throw new Error('sagaFixture: no instance was started by the given events.');
    return this.instance;
  }

  private result(step: Step): SagaResult {
    return new SagaResult(step, this.instance);
  }
}

/** What the `when` step did; see {@link sagaFixture}. Its methods assert (with jest's `expect`). */
export class SagaResult {
  constructor(
    private readonly step: Step,
    private readonly instance: Instance | undefined,
  ) {}

  /** The instance's state after the step (undefined when nothing started one). */
  get state(): Record<string, unknown> | undefined {
    return this.instance?.state;
  }

  /** The instance's status after the step. */
  get status(): SagaStatus | undefined {
    return this.instance?.status;
  }

  /** Asserts the commands the step dispatched: exactly these, in order (classes and fields). */
  expectDispatched(...commands: object[]): this {
    expect(this.step.commands).toStrictEqual(commands);
    return this;
  }

  /** Asserts the step set (or moved) a deadline, and returns when it falls due. */
  expectScheduled(name: string): Date {
    expect(this.step.scheduled).toContain(name);
    return this.instance!.deadlines.get(name)?.dueAt ?? new Date(NaN);
  }

  /** Asserts the step cancelled a deadline (or ended the saga, which cancels them all). */
  expectCancelled(name: string): this {
    if (this.instance?.status === 'active') expect(this.step.cancelled).toContain(name);
    expect(this.instance?.deadlines.has(name)).toBe(false);
    return this;
  }

  /** Asserts the saga ended with this status (and reason, when given). */
  expectEnded(status: Exclude<SagaStatus, 'active'>, reason?: string | RegExp): this {
    expect(this.instance?.status).toBe(status);
    if (reason !== undefined) expect(this.instance?.reason).toMatch(reason);
    return this;
  }

  /** Asserts the saga is still running. */
  expectActive(): this {
    expect(this.instance?.status).toBe('active');
    return this;
  }
}

function merge(steps: Step[]): Step {
  return {
    commands: steps.flatMap((s) => s.commands),
    scheduled: steps.flatMap((s) => s.scheduled),
    cancelled: steps.flatMap((s) => s.cancelled),
  };
}
