import type { Logger } from '@nestjs/common';
import { errorMessage } from '../errors/error-message';
import type { InboundHandler } from './inbound-handler';

/**
 * The consuming loop of one inbound handler on one broker: connects, consumes until
 * the connection or subscription ends, and starts again with backoff, so a broker that
 * is away or restarts only pauses it. A broker's consumer implements `consume`. @internal
 */
export abstract class InboundConsumer {
  protected stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  lastError: string | undefined;

  constructor(
    readonly handler: InboundHandler,
    protected readonly logger: Logger,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.handler.stop();
    this.wakeUp?.();
    await this.interrupt();
    await this.loop;
  }

  /** Consumes until the subscription ends (resolves) or fails (throws). */
  protected abstract consume(): Promise<void>;

  /** Ends a consume in progress, for `stop`. */
  protected abstract interrupt(): Promise<void>;

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.consume();
        failures = 0;
      } catch (error) {
        if (this.stopped) break;
        failures++;
        this.lastError = errorMessage(error);
        if (failures === 1 || failures % 10 === 0) {
          this.logger.warn(`${this.handler.name}: consuming failed (${this.lastError}); trying again`);
        }
      }
      if (!this.stopped) await this.pause(Math.min(10_000, 200 * 2 ** Math.min(failures, 6)));
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
