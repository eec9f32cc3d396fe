import { Logger } from '@nestjs/common';
import type { ClientConfig } from 'pg';
import type { DataSource, DataSourceOptions, LoggerOptions, MigrationInterface } from 'typeorm';
import { ConfigurationError } from '../errors/configuration-error';
import { EmbeddedPostgresServer, type EmbeddedPostgresOptions } from './embedded-postgres-server';
import { StatementLogger, type CorrelationSource } from './statement-logger';

/** TypeORM's PostgreSQL data-source options. */
export type PostgresConnectionOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/** What the connection is made from: the module's resolved options, as far as it reads them. @internal */
export interface ConnectionSettings {
  database?: string | Omit<PostgresConnectionOptions, 'type'>;
  embedded?: Omit<EmbeddedPostgresOptions, 'onLog'>;
  typeorm?: Partial<Omit<PostgresConnectionOptions, 'type'>>;
  applicationName: string;
  poolSize: number;
  logging?: LoggerOptions;
}

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
    private readonly options: ConnectionSettings,
    private readonly connection: Omit<PostgresConnectionOptions, 'type'> | undefined,
    private readonly embedded: EmbeddedPostgresServer | undefined,
  ) {}

  /** Resolves `options.database` (see `DatabaseOption`), starting the embedded server if needed. */
  static async open(options: ConnectionSettings): Promise<DatabaseConnection> {
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

  /** The TypeORM data-source options: the store's `migrations` (from the schema) plus the user's. */
  typeOrmOptions(
    migrations: (new () => MigrationInterface)[],
    context?: CorrelationSource,
  ): PostgresConnectionOptions & { autoLoadEntities: boolean; manualInitialization: boolean } {
    const { typeorm = {}, applicationName, poolSize, logging } = this.options;
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
      migrations: [...migrations, ...userMigrations],
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
