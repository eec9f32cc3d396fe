import { errorMessage } from '../errors/error-message';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { DatabaseConnection } from '../database/database-connection';

/**
 * A `@nestjs/terminus` health indicator for the event store's database: up with its
 * kind and round-trip time, or down with the error. Use it in a `HealthCheckService.check`.
 * @example
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.eventStore.isHealthy('database')]); }
 */
@Injectable()
export class EventStoreHealthIndicator {
  constructor(
    private readonly connection: DatabaseConnection,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Pings the database (a `SELECT 1` under a 3 s timeout). */
  async isHealthy(key = 'database'): Promise<HealthIndicatorResult> {
    const database = this.connection.describe();
    if (this.connection.kind === 'memory') return { [key]: { status: 'up', database } };
    const started = performance.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 3000);
      return { [key]: { status: 'up', database, latencyMs: Math.round(performance.now() - started) } };
    } catch (error) {
      return { [key]: { status: 'down', database, error: errorMessage(error) } };
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
