import { EventSourcingError } from './event-sourcing-error';

/**
 * The embedded PostgreSQL's data folder belongs to another live process, which started
 * (or adopted) its server; this process leaves that server alone and does not start.
 */
export class EmbeddedDatabaseInUseError extends EventSourcingError {
  readonly code = 'ES_EMBEDDED_DATABASE_IN_USE';

  constructor(
    /** The data folder in use. */
    readonly dataDir: string,
    /** The process that owns the folder's server. */
    readonly ownerPid: number,
    /** The server's connection URL, when it is up (undefined while the owner is still starting it). */
    readonly url: string | undefined,
  ) {
    const share = url ? `, or share its server with DATABASE_URL=${url}` : '';
    super(
      `The embedded PostgreSQL data folder ${dataDir} is in use by process ${ownerPid}, which ${url ? 'runs' : 'is starting'} its server. ` +
        `Stop that process, or give this one another folder (the embedded.dataDir option; EMBEDDED_PG_DIR in the sample apps)${share}.`,
    );
  }
}
