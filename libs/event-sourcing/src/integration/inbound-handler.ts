import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { isDatabaseAway } from '../database/database-away';
import { inTransaction } from '../database/in-transaction';
import { errorMessage, errorStack } from '../errors/error-message';
import type { MessageContext } from '../events/message-context';
import type { IntegrationHandlerMetadata } from './integration-event-handler.decorator';
import type { InboxContext, IntegrationMessage, ReceivedMessage } from './integration-message';
import type { InboxStore } from './inbox-store';
import { parseBody } from './json-body';

type HandlerMethod = (message: IntegrationMessage, context: InboxContext) => unknown;

/** What an {@link InboundHandler} works with. @internal */
export interface InboundHandlerDeps {
  dataSource: DataSource;
  inbox: InboxStore;
  context: MessageContext;
  logger: Logger;
}

/**
 * One `@IntegrationEventHandler` method, broker aside: handles a received message in a
 * transaction with its inbox row (a duplicate finds the row and does nothing), retries
 * a failing one with backoff, then parks it. The consumer acknowledges once `receive`
 * resolves. @internal
 */
export class InboundHandler {
  private stopped = false;

  constructor(
    readonly metadata: IntegrationHandlerMetadata,
    private readonly instance: object,
    private readonly deps: InboundHandlerDeps,
  ) {}

  get name(): string {
    return this.metadata.name;
  }

  /** The stream or queue it consumes from. */
  get source(): string {
    return this.metadata.broker === 'nats' ? this.metadata.stream! : this.metadata.queue;
  }

  /** Stops retrying: a message in its backoff is left unacknowledged, to come again. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Handles a message until it is done, a duplicate, or parked.
   * @throws the error when the database is away (or on shutdown): do not acknowledge it.
   */
  async receive(message: ReceivedMessage): Promise<void> {
    const { maxAttempts, retryBackoffMs } = this.metadata;
    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      try {
        await this.handleOnce(message, attempt);
        return;
      } catch (error) {
        if (await isDatabaseAway(this.deps.dataSource, error)) throw error;
        failure = error;
      }
      if (attempt >= maxAttempts) {
        await this.deps.inbox.park(this.origin(), message, errorMessage(failure), attempt);
        this.deps.logger.error(
          `${this.name}: parked message ${message.id} (${message.subject}) after ${attempt} tries: ${errorMessage(failure)}`,
          errorStack(failure),
        );
        return;
      }
      if (this.stopped) throw failure;
      const delay = Math.min(30_000, retryBackoffMs * 2 ** (attempt - 1));
      this.deps.logger.warn(
        `${this.name}: message ${message.id} failed (try ${attempt} of ${maxAttempts}): ${errorMessage(failure)}; again in ${delay} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      message.working?.();
    }
  }

  /** Handles a parked message again now, in a transaction with its removal from the parked ones. */
  async retryParked(id: string): Promise<boolean> {
    return inTransaction(this.deps.dataSource, async (runner) => {
      const parked = await this.deps.inbox.unpark(this.name, id, runner);
      if (!parked) return false;
      await this.invoke(parked, parked.attempts, runner.manager);
      return true;
    });
  }

  private async handleOnce(message: ReceivedMessage, attempt: number): Promise<void> {
    await inTransaction(this.deps.dataSource, async (runner) => {
      if (!(await this.deps.inbox.claim(this.origin(), message, attempt, runner))) {
        this.deps.logger.debug?.(`${this.name}: message ${message.id} was handled before; acknowledged again`);
        return;
      }
      await this.invoke(message, attempt, runner.manager);
    });
  }

  private async invoke(message: ReceivedMessage, attempt: number, manager: InboxContext['manager']): Promise<void> {
    const data = await parseBody(message.id, message.body, this.metadata.body);
    const method = (this.instance as Record<string | symbol, HandlerMethod>)[this.metadata.method]!;
    const integration: IntegrationMessage = {
      id: message.id,
      subject: message.subject,
      data,
      headers: message.headers,
      broker: this.metadata.broker,
      source: this.source,
    };
    // The sender's correlation id when it gave one (this library's publishers do), else the message's id.
    const correlationId = message.headers['Es-Correlation-Id'] || message.id;
    await this.deps.context.runMessage(message.id, correlationId, () =>
      method.call(this.instance, integration, { manager, messageId: message.id, attempt }),
    );
  }

  private origin(): { consumer: string; broker: IntegrationHandlerMetadata['broker']; source: string } {
    return { consumer: this.name, broker: this.metadata.broker, source: this.source };
  }
}
