import { errorMessage } from '../errors/error-message';
import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';

/** The 64-bit advisory lock key of a subscriber, and its two halves as `pg_locks` shows them. @internal */
export function subscriberLockKey(schema: string, name: string): { key: bigint; classid: number; objid: number } {
  const hex = createHash('sha256').update(`event-sourcing:${schema}:${name}`).digest('hex').slice(0, 16);
  const unsigned = BigInt(`0x${hex}`);
  return {
    key: BigInt.asIntN(64, unsigned),
    classid: Number(unsigned >> 32n),
    objid: Number(unsigned & 0xffffffffn),
  };
}

/**
 * The one connection of a process that is not from the pool: it holds the session
 * advisory locks that make each subscriber run on one instance at a time, and LISTENs
 * for appends. Locks and LISTEN belong to a session, so a pooled connection (handed to
 * someone else after use) would leak them. When the connection drops, every lock is
 * gone with it (PostgreSQL releases them), runners learn it through `holds`, and it
 * reconnects with backoff. @internal
 */
export class SubscriptionConnection {
  private readonly logger = new Logger('Subscriptions');
  private client: Client | undefined;
  private pid: number | undefined;
  private readonly held = new Set<string>();
  private readonly wakeListeners = new Set<() => void>();
  private closed = false;
  private connecting: Promise<void> | undefined;
  private notifying = false;
  private notifyAgain = false;
  private pendingNotify = false;
  private failures = 0;
  private lastFailure: string | undefined;
  /** Statements on the one client run one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: ClientConfig,
    private readonly schema: string,
    readonly channel: string,
    /** Shortest time from one NOTIFY's answer to the next NOTIFY; 0: at once. */
    private readonly notifyIntervalMs = 0,
  ) {}

  /** Connects in the background, and again whenever the connection drops. */
  start(): void {
    void this.ensureConnected();
  }

  /** The PostgreSQL backend pid of the connection while it is up: who holds its locks. */
  get backendPid(): number | undefined {
    return this.client ? this.pid : undefined;
  }

  /** Whether this process holds the subscriber's lock on a live connection. */
  holds(name: string): boolean {
    return this.client !== undefined && this.held.has(name);
  }

  /**
   * Tries to take the subscriber's lock; false when another process has it.
   * @throws Error when the database cannot be reached.
   */
  async tryLock(name: string): Promise<boolean> {
    if (this.held.has(name) && this.client) return true;
    const client = await this.ensureConnected();
    if (!client) throw new Error(`cannot reach the database${this.lastFailure ? ` (${this.lastFailure})` : ''}`);
    const { key } = subscriberLockKey(this.schema, name);
    const rows = await this.query<{ ok: boolean }>(client, 'SELECT pg_try_advisory_lock($1::bigint) AS ok', [
      key.toString(),
    ]);
    if (rows[0]?.ok && this.client === client) {
      this.held.add(name);
      return true;
    }
    return false;
  }

  /** Gives a lock up, so another instance may take the subscriber. */
  async unlock(name: string): Promise<void> {
    if (!this.held.delete(name) || !this.client) return;
    const { key } = subscriberLockKey(this.schema, name);
    await this.query(this.client, 'SELECT pg_advisory_unlock($1::bigint)', [key.toString()]).catch(() => undefined);
  }

  /** Calls `listener` on every notification of the channel (appends of any process). */
  onWake(listener: () => void): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }

  /**
   * Tells the other processes that events were appended. Coalesced: while one NOTIFY is
   * on its way, and for `notifyIntervalMs` after its answer, any number of further calls
   * make one more. A process appending one event after another would otherwise send a
   * NOTIFY per append: a second statement, for the server, of every append.
   */
  notify(): void {
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    if (this.closed) return;
    const client = this.client;
    if (!client) {
      // Not connected yet (or reconnecting): send it once the connection is up.
      this.pendingNotify = true;
      void this.ensureConnected();
      return;
    }
    this.notifying = true;
    this.query(client, `SELECT pg_notify($1, '')`, [this.channel])
      .catch(() => undefined)
      .finally(() => {
        const next = () => {
          this.notifying = false;
          if (this.notifyAgain) {
            this.notifyAgain = false;
            this.notify();
          }
        };
        if (this.notifyIntervalMs > 0) setTimeout(next, this.notifyIntervalMs).unref();
        else next();
      });
  }

  /** Closes the connection, which releases every lock. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.held.clear();
    await client?.end().catch(() => undefined);
  }

  private async ensureConnected(): Promise<Client | undefined> {
    if (this.client || this.closed) return this.client;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    await this.connecting;
    return this.client;
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', () => {
      for (const listener of this.wakeListeners) listener();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.failures++;
      this.lastFailure = errorMessage(error);
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.logger.warn(`Subscription connection failed (${errorMessage(error)}); retrying`);
      }
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.failures > 0) this.logger.log('Subscription connection restored');
    this.failures = 0;
    this.client = client;
    // Appends may have happened while it was away: let everyone look.
    for (const listener of this.wakeListeners) listener();
    if (this.pendingNotify) {
      this.pendingNotify = false;
      this.notify();
    }
  }

  private query<T extends object>(client: Client, sql: string, params: unknown[]): Promise<T[]> {
    const result = this.queue.then(async () => {
      try {
        return (await client.query<T>(sql, params)).rows;
      } catch (error) {
        // No answer in time: the session (and what it holds) cannot be trusted; start afresh.
        if (error instanceof Error && /timeout/i.test(error.message)) this.lost(client, error);
        throw error;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private lost(client: Client, error: Error | undefined): void {
    if (this.client !== client) return;
    this.client = undefined;
    const names = [...this.held];
    this.held.clear();
    if (this.closed) return;
    this.logger.warn(
      `Subscription connection lost${error ? ` (${errorMessage(error)})` : ''}${names.length ? `; released ${names.join(', ')}` : ''}`,
    );
    void client.end().catch(() => undefined);
    // The runners learn at once that their locks are gone, and try to take them again.
    for (const listener of this.wakeListeners) listener();
  }
}
