import { ConfigurationError } from '../errors/configuration-error';
import { requireDomainEventMetadata, type DomainEventClass } from '../events/domain-event.decorator';
import type { ResolvedSubscriberOptions } from '../subscriptions/subscriber-options';
import type { DurableSagaMetadata } from './durable-saga.decorator';
import { getSagaMethods, type Correlate } from './saga-methods.decorator';

type Method = (message: unknown, saga: unknown) => unknown;

/** How a saga handles one stored event type. @internal */
export interface SagaEventRoute {
  start?: Method;
  event?: Method;
  correlate: Correlate;
}

/**
 * A saga class read once: its routes by event type, deadline and failure methods. Used
 * by the engine on PostgreSQL and by the test fixture alike. @internal
 */
export class SagaDefinition {
  readonly routes = new Map<string, SagaEventRoute>();
  readonly deadlines = new Map<string, Method>();
  readonly failures = new Map<string, Method>();
  readonly eventClasses: DomainEventClass[] = [];

  constructor(
    readonly instance: object,
    readonly metadata: DurableSagaMetadata,
  ) {
    const owner = instance.constructor.name;
    for (const entry of getSagaMethods(Object.getPrototypeOf(instance) as object)) {
      const fn = (instance as Record<string | symbol, unknown>)[entry.method];
      if (typeof fn !== 'function') throw new ConfigurationError(`${owner}.${String(entry.method)} is not a method.`);
      const method = fn as Method;
      if (entry.kind === 'deadline') {
        this.unique(this.deadlines, entry.name, method, `two @OnSagaDeadline('${entry.name}') methods`);
      } else if (entry.kind === 'command-failure') {
        const key = entry.commandClass?.name ?? '*';
        this.unique(this.failures, key, method, `two @OnSagaCommandFailure(${key}) methods`);
      } else {
        const { type } = requireDomainEventMetadata(entry.eventClass, owner);
        const route = this.routes.get(type) ?? { correlate: entry.correlate ?? metadata.correlationKey };
        if (route[entry.kind]) {
          throw new ConfigurationError(
            `${owner} has two ${entry.kind === 'start' ? '@StartsSaga' : '@SagaEventHandler'} methods for "${type}".`,
          );
        }
        route[entry.kind] = method;
        if (entry.correlate) route.correlate = entry.correlate;
        this.routes.set(type, route);
        this.eventClasses.push(entry.eventClass);
      }
    }
    if (![...this.routes.values()].some((route) => route.start)) {
      throw new ConfigurationError(`${owner} has no @StartsSaga method: nothing would ever start it.`);
    }
  }

  get name(): string {
    return this.metadata.name;
  }

  get options(): ResolvedSubscriberOptions {
    return this.metadata.options;
  }

  get owner(): string {
    return this.instance.constructor.name;
  }

  /** The correlation value an event's data names, as text; undefined when it names none. */
  correlationOf(type: string, data: unknown): string | undefined {
    const route = this.routes.get(type);
    if (!route || data === null || typeof data !== 'object') return undefined;
    const value =
      typeof route.correlate === 'function'
        ? (route.correlate as (d: unknown) => unknown)(data)
        : (data as Record<string, unknown>)[route.correlate];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    return undefined;
  }

  /** The failure method for a command: its class's, else the catch-all. */
  failureMethod(command: object): Method | undefined {
    return this.failures.get(command.constructor.name) ?? this.failures.get('*');
  }

  async call(method: Method, message: unknown, saga: unknown): Promise<void> {
    await method.call(this.instance, message, saga);
  }

  private unique(map: Map<string, Method>, key: string, method: Method, problem: string): void {
    if (map.has(key)) throw new ConfigurationError(`${this.instance.constructor.name} has ${problem}.`);
    map.set(key, method);
  }
}
