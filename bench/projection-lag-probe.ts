import { waitUntil } from './wait-until';

/** How far a projection fell behind during a load, and how long it took to catch up after it. */
export interface ProjectionLag {
  /** The most events behind of the samples taken while the load ran. */
  maxLag: number;
  /** From the load's end until the projection's status showed no lag. */
  catchUpMs: number;
  samples: number;
}

/** How often the status is asked during the load, and after it while waiting for the catch-up. */
const SAMPLE_MS = 250;
const CATCH_UP_POLL_MS = 50;

/**
 * Watches one subscriber of an app through `GET /admin/subscriptions` (the bearer token
 * given): samples its lag every 250 ms from `start` until `finish`, then polls until the
 * lag is 0.
 */
export class ProjectionLagProbe {
  private maxLag = 0;
  private samples = 0;
  private running = true;
  private failure: Error | undefined;
  private readonly sampling: Promise<void>;

  private constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly subscriber: string,
  ) {
    // Kept until `finish`, which throws it: a rejection nobody awaits yet would end the process.
    this.sampling = this.sample().catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
    });
  }

  static start(baseUrl: string, token: string, subscriber: string): ProjectionLagProbe {
    return new ProjectionLagProbe(`${baseUrl}/admin/subscriptions`, token, subscriber);
  }

  /** Call when the load's last answer came: stops sampling and waits for the catch-up. Once. */
  async finish(): Promise<ProjectionLag> {
    const end = process.hrtime.bigint();
    this.running = false;
    await this.sampling;
    if (this.failure !== undefined) throw this.failure;
    await waitUntil(`${this.subscriber} to catch up`, async () => (await this.lag()) === 0, {
      timeoutMs: 5 * 60_000,
      intervalMs: CATCH_UP_POLL_MS,
    });
    const catchUpMs = Number(process.hrtime.bigint() - end) / 1e6;
    return { maxLag: this.maxLag, catchUpMs, samples: this.samples };
  }

  private async sample(): Promise<void> {
    while (this.running) {
      const next = Date.now() + SAMPLE_MS;
      this.maxLag = Math.max(this.maxLag, await this.lag());
      this.samples++;
      while (this.running && Date.now() < next) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(25, next - Date.now())));
      }
    }
  }

  private async lag(): Promise<number> {
    const response = await fetch(this.url, { headers: { authorization: `Bearer ${this.token}` } });
    const body = (await response.json()) as { subscribers?: { name: string; lag: number }[] };
    const status = body.subscribers?.find((s) => s.name === this.subscriber);
    if (!response.ok || !status) {
      throw new Error(`GET /admin/subscriptions answered ${response.status} without ${this.subscriber}.`);
    }
    return status.lag;
  }
}
