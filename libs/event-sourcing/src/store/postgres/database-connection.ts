import { Logger } from '@nestjs/common';
import type { ClientConfig } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { ConfigurationError } from '../../errors/configuration-error';
import type { PostgresConnectionOptions, ResolvedOptions } from '../../event-sourcing-options';
import { EmbeddedPostgresServer } from './embedded-postgres-server';
import { reconcileCorrelationIndex } from './correlation-index';
import { quoteIdentifier } from './quote-identifier';
import { eventStoreMigrations } from './store-migrations';
import type { MessageContext } from '../../events/message-context';
import { StatementLogger } from './statement-logger';

/** Which kind of database the module ended up on. */
export type DatabaseKind = 'postgres' | 'embedded' | 'memory';

/**
 * The database the module resolved from its options: starts the embedded PostgreSQL
 * when asked for, builds the TypeORM options, and on shutdown closes the data source
 * before it stops the embedded server. @internal
 */
export class DatabaseConnection {
  private static readonly logger = new Logger('EventSourcing');

  private constructor(
    readonly kind: DatabaseKind,
    private readonly options: ResolvedOptions,
    private readonly connection: Omit<PostgresConnectionOptions, 'type'> | undefined,
    private readonly embedded: EmbeddedPostgresServer | undefined,
  ) {}

  /** Resolves `options.database` (see `DatabaseOption`), starting the embedded server if needed. */
  static async open(options: ResolvedOptions): Promise<DatabaseConnection> {
    const database = options.database ?? process.env.DATABASE_URL ?? 'embedded';
    if (database === 'memory') return new DatabaseConnection('memory', options, undefined, undefined);
    if (database === 'embedded') {
      const server = await EmbeddedPostgresServer.start(options.embedded);
      for (const notice of server.notices) DatabaseConnection.logger.warn(notice);
      const left = server.previousOwnerPid === undefined ? '' : ` (left by process ${server.previousOwnerPid}, gone)`;
      const how = server.adopted ? `adopted the server still running${left}` : 'ready';
      // Where to point psql: the server takes a new free port at each start.
      const { hostname, port } = new URL(server.url);
      DatabaseConnection.logger.log(`Embedded PostgreSQL ${how} on ${hostname}:${port}, data in ${server.dataDir}`);
      return new DatabaseConnection('embedded', options, { url: server.url }, server);
    }
    if (typeof database === 'string') {
      if (!/^postgres(ql)?:\/\//.test(database)) {
        throw new ConfigurationError(
          `database "${redact(database)}" is not a postgres:// URL, 'embedded' or 'memory'. Set it (or DATABASE_URL) to one of those.`,
        );
      }
      return new DatabaseConnection('postgres', options, { url: database }, undefined);
    }
    if (typeof database !== 'object' || database === null) {
      throw new ConfigurationError('database must be a URL, TypeORM PostgreSQL options, "embedded" or "memory".');
    }
    return new DatabaseConnection('postgres', options, database, undefined);
  }

  /** The TypeORM data-source options: the store's migrations plus the user's additions. */
  typeOrmOptions(
    context?: MessageContext,
  ): PostgresConnectionOptions & { autoLoadEntities: boolean; manualInitialization: boolean } {
    const { typeorm = {}, applicationName, poolSize, logging, schema, correlationIdIndex } = this.options;
    const userMigrations = Array.isArray(typeorm.migrations) ? typeorm.migrations : [];
    return {
      ...this.connection,
      ...typeorm,
      type: 'postgres',
      applicationName,
      poolSize,
      logging: logging ?? ['error'],
      // Failed statements by name and SQLSTATE, never with their parameters.
      logger: typeorm.logger ?? new StatementLogger(logging ?? ['error'], context),
      autoLoadEntities: true,
      // Nothing to connect to in memory mode; the data source stays uninitialised.
      manualInitialization: this.kind === 'memory',
      synchronize: typeorm.synchronize ?? false,
      migrationsRun: false,
      migrations: [...eventStoreMigrations(schema, { correlationIdIndex }), ...userMigrations],
    };
  }

  /**
   * Settings for a connection of its own, outside the pool (the subscriptions' locks
   * and LISTEN), to the same database as the pool's.
   */
  clientConfig(applicationName: string): ClientConfig {
    const c = { ...this.connection, ...this.options.typeorm };
    return {
      connectionString: c.url,
      host: c.host,
      port: c.port,
      user: c.username,
      password: typeof c.password === 'string' ? c.password : undefined,
      database: c.database,
      ssl: c.ssl as ClientConfig['ssl'],
      application_name: applicationName,
      // A host that dies without closing its socket must lose its locks in seconds, not hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      // Its statements are tiny; one that hangs means the connection is gone, not slow.
      query_timeout: 10_000,
    };
  }

  /** Runs pending migrations, one instance at a time (a session advisory lock on a dedicated connection). */
  async migrate(dataSource: DataSource): Promise<void> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtext('event-sourcing.migrations'))`);
      await dataSource.runMigrations({ transaction: 'each' });
      await this.reconcileCorrelationIndex(runner);
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext('event-sourcing.migrations'))`).catch(() => undefined);
      await runner.release();
    }
  }

  /** Builds the optional correlation-id index when wanted and missing; says so when it is there unwanted. */
  private async reconcileCorrelationIndex(runner: QueryRunner): Promise<void> {
    const { schema, correlationIdIndex } = this.options;
    const outcome = await reconcileCorrelationIndex(runner, schema, correlationIdIndex);
    const index = `${quoteIdentifier(schema)}.es_events_correlation_idx`;
    const log = DatabaseConnection.logger;
    if (outcome === 'built') log.log(`Built ${index} (correlationIdIndex is on)`);
    if (outcome === 'building') log.warn(`${index} is being built by another session; left to it`);
    if (outcome === 'busy') {
      log.warn(`${index} was not built: es_events stayed locked by others; the next start tries again`);
    }
    if (outcome === 'unwanted') {
      log.warn(
        `${index} exists but correlationIdIndex is off: every append pays for it. Drop it with DROP INDEX CONCURRENTLY ${index}, or turn the option on.`,
      );
    }
  }

  /** Closes the data source, then stops the embedded server if there is one. */
  async close(dataSource: DataSource | undefined): Promise<void> {
    if (dataSource?.isInitialized) await dataSource.destroy();
    if (this.embedded) {
      await this.embedded.stop();
      DatabaseConnection.logger.log('Embedded PostgreSQL stopped');
    }
  }

  /** A short description for logs and health checks, without credentials. */
  describe(): string {
    if (this.kind !== 'postgres') return this.kind;
    const c = this.connection ?? {};
    if ('url' in c && typeof c.url === 'string') return redact(c.url);
    return `${String(c.host ?? 'localhost')}:${String(c.port ?? 5432)}/${String(c.database ?? '')}`;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
