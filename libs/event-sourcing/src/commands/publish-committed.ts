import type { Logger } from '@nestjs/common';
import type { EventBus } from '@nestjs/cqrs';
import { errorMessage, errorStack } from '../errors/error-message';
import type { CommandTries } from './command-tries';

/**
 * Publishes stored events on the in-process `EventBus`, outside the current try's warm
 * scope (their handlers' loads read streams). A failing handler is logged, never thrown:
 * the events are stored, and the save must not fail for it. @internal
 */
export function publishCommitted(
  tries: CommandTries,
  eventBus: EventBus | undefined,
  events: object[],
  logger: Logger,
): void {
  try {
    tries.runDetached(() => {
      eventBus?.publishAll(events);
    });
  } catch (error) {
    logger.error(`Publishing ${events.length} committed event(s) failed`, errorStack(error) ?? errorMessage(error));
  }
}
