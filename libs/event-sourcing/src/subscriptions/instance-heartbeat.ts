import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { errorMessage } from '../errors/error-message';
import { quoteIdentifier } from '../database/quote-identifier';

/** Timings of {@link InstanceHeartbeat}. @internal */
export interface HeartbeatSettings {
  heartbeatMs: number;
  instanceTimeoutMs: number;
}

/**
 * This instance's row in `es_instances`, refreshed every `heartbeatMs`, and how many
 * instances are alive (heartbeated within `instanceTimeoutMs`): what the partitions of
 * partitioned subscribers are shared among. An instance killed outright stops counting
 * once its last heartbeat is that old; one that stops cleanly removes its row. @internal
 */
export class InstanceHeartbeat {
  /** `host:pid:random`: readable in the status, unique across restarts. */
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private live = 1;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    private readonly backendPid: () => number | undefined,
    private readonly settings: HeartbeatSettings,
    private readonly logger: Logger,
  ) {
    this.table = `${quoteIdentifier(schema)}.es_instances`;
  }

  /** The live instances, this one included (1 until the first heartbeat answered). */
  get liveInstances(): number {
    return this.live;
  }

  /** Beats once (waiting for it), then every `heartbeatMs`. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.settings.heartbeatMs);
    this.timer.unref();
  }

  /** Stops beating and removes the row: the others count one fewer at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.dataSource.query(`DELETE FROM ${this.table} WHERE instance_id = $1`, [this.id]).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      const rows = await this.dataSource.query<{ live: string }[]>(
        `WITH beat AS (
           INSERT INTO ${this.table} (instance_id, backend_pid) VALUES ($1, $2)
           ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now(), backend_pid = excluded.backend_pid
         ), gone AS (
           -- Rows of instances long dead (killed, never stopped cleanly): not kept forever.
           DELETE FROM ${this.table} WHERE heartbeat_at < now() - interval '1 hour'
         )
         SELECT count(*) + 1 AS live FROM ${this.table}
          WHERE instance_id <> $1 AND heartbeat_at > now() - make_interval(secs => $3::double precision / 1000)`,
        [this.id, this.backendPid() ?? null, this.settings.instanceTimeoutMs],
      );
      this.live = Math.max(1, Number(rows[0]!.live));
      if (this.failing) this.logger.log('Instance heartbeat restored');
      this.failing = false;
    } catch (error) {
      // The runners see the outage themselves; the last count stands meanwhile.
      if (!this.failing) this.logger.warn(`Instance heartbeat failed: ${errorMessage(error)}`);
      this.failing = true;
    }
  }
}
