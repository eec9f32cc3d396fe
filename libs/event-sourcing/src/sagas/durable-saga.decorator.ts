import { ConfigurationError } from '../errors/configuration-error';
import {
  assertSubscriberName,
  resolveSubscriberOptions,
  type ResolvedSubscriberOptions,
  type SubscriberOptions,
} from '../subscriptions/subscriber-options';

const DURABLE_SAGA = Symbol('event-sourcing:durable-saga');

/** Options of {@link DurableSaga}. */
export interface DurableSagaOptions extends SubscriberOptions {
  /**
   * The property of event data that names the saga instance an event belongs to, e.g.
   * `'transferId'`. A handler may name another with its own `correlate` option.
   */
  correlationKey: string;
}

/** What `@DurableSaga` records on a class. */
export interface DurableSagaMetadata {
  name: string;
  correlationKey: string;
  options: ResolvedSubscriberOptions;
}

/**
 * Declares a durable saga (a process manager): a provider whose methods react to events
 * of one business process, keep its state, dispatch commands and set deadlines. It runs
 * as a checkpointed subscriber on one instance at a time; each instance's state is
 * stored as JSON with a version, in the same transaction as the checkpoint, and
 * survives restarts. The `@nestjs/cqrs` rxjs `@Saga` keeps working beside it.
 * @throws ConfigurationError for a bad name, a missing correlation key, or bad options.
 * @example
 * @DurableSaga('transfer', { correlationKey: 'transferId' })
 * export class TransferSaga {
 *   @StartsSaga(TransferRequested)
 *   requested({ data }: EventEnvelope<TransferRequested>, saga: SagaContext<TransferState>) {
 *     saga.state = { step: 'debiting', amount: data.amount };
 *     saga.dispatch(new DebitForTransfer(data.fromAccountId, data.transferId, data.amount));
 *   }
 * }
 */
export function DurableSaga(name: string, options: DurableSagaOptions): ClassDecorator {
  return (target) => {
    const owner = `@DurableSaga on ${target.name}`;
    assertSubscriberName(owner, name);
    if (typeof options?.correlationKey !== 'string' || options.correlationKey === '') {
      throw new ConfigurationError(`${owner}: give the correlationKey, the event property naming the instance.`);
    }
    if (options.partitions !== undefined && options.partitions !== 1) {
      throw new ConfigurationError(
        `${owner}: sagas are not partitioned (their deadlines wait for one checkpoint); remove partitions.`,
      );
    }
    const metadata: DurableSagaMetadata = {
      name,
      correlationKey: options.correlationKey,
      options: resolveSubscriberOptions(owner, options, 'stop'),
    };
    Reflect.defineMetadata(DURABLE_SAGA, metadata, target);
  };
}

/** The `@DurableSaga` metadata of a class, if it has one. */
export function getDurableSagaMetadata(target: unknown): DurableSagaMetadata | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getMetadata(DURABLE_SAGA, target) as DurableSagaMetadata | undefined;
}
