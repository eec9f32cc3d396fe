import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigurationError } from '../errors/configuration-error';
import { errorMessage } from '../errors/error-message';

/** Options of the module's `readReplica`. */
export interface ReadReplicaOptions {
  /** A `postgres://` URL of a (streaming) replica of the store's database. */
  url: string;
  /** Connections in its pool. Default: the module's `poolSize`. */
  poolSize?: number;
}

/**
 * The read replica's data source, when the module has `readReplica`: `queryEvents` (so
 * `GET /events`, the `/admin` events browser and the CLI's `events query`) reads there, and an application may read its read models there
 * (`@InjectDataSource(READ_REPLICA)`, say, through {@link ReadReplica.dataSource}). A
 * replica lags its primary: what it answers may miss the latest events (see
 * docs/scaling.md). Without `readReplica`, {@link ReadReplica.dataSource} is undefined and
 * every read goes to the primary.
 */
@Injectable()
export class ReadReplica implements OnApplicationShutdown {
  private readonly logger = new Logger('ReadReplica');

  /** @internal */
  constructor(readonly dataSource: DataSource | undefined) {}

  /**
   * Connects to the replica (no migrations run there: it follows its primary).
   * @throws ConfigurationError for a URL that is not `postgres://`.
   * @internal
   */
  static async open(
    options: ReadReplicaOptions | undefined,
    defaults: { poolSize: number; applicationName: string; schema: string },
  ): Promise<ReadReplica> {
    if (!options) return new ReadReplica(undefined);
    if (typeof options.url !== 'string' || !/^postgres(ql)?:\/\/[^/]/.test(options.url)) {
      throw new ConfigurationError('readReplica.url must be a postgres:// URL of a replica of the store’s database.');
    }
    const dataSource = new DataSource({
      type: 'postgres',
      url: options.url,
      poolSize: options.poolSize ?? defaults.poolSize,
      applicationName: `${defaults.applicationName}:replica`,
      schema: defaults.schema,
      logging: ['error'],
    });
    await dataSource.initialize();
    return new ReadReplica(dataSource);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource?.destroy().catch((error: unknown) => this.logger.warn(errorMessage(error)));
  }
}
