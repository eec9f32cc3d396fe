import { ParkedEventNotFoundError } from '../errors/parked-event-not-found-error';
import { errorMessage } from '../errors/error-message';
import type { ParkedEvent } from '../subscriptions/checkpoint-store';
import type { ParkedSource } from '../subscriptions/parked-source';
import type { InboundHandler } from './inbound-handler';
import type { InboxStore } from './inbox-store';

/**
 * The parked inbound messages of every `@IntegrationEventHandler`, as `Subscriptions`
 * lists, retries and dismisses them. @internal
 */
export class Inbox implements ParkedSource {
  constructor(
    private readonly store: InboxStore,
    private readonly handlers: ReadonlyMap<string, InboundHandler>,
  ) {}

  names(): readonly string[] {
    return [...this.handlers.keys()];
  }

  parked(name?: string): Promise<ParkedEvent[]> {
    return this.store.parked(name === undefined ? this.names() : [name]);
  }

  async retry(name: string, id: string): Promise<'handled'> {
    const handler = this.handlers.get(name)!;
    try {
      if (!(await handler.retryParked(id))) throw new ParkedEventNotFoundError(name, id);
    } catch (error) {
      if (!(error instanceof ParkedEventNotFoundError)) await this.store.failedAgain(name, id, errorMessage(error));
      throw error;
    }
    return 'handled';
  }

  async dismiss(name: string, id: string): Promise<void> {
    if (!(await this.store.dismiss(name, id))) throw new ParkedEventNotFoundError(name, id);
  }
}
