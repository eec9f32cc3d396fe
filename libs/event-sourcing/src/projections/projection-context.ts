import type { EntityManager } from 'typeorm';

/** What a projection's `@On` handler gets besides the event. */
export interface ProjectionContext {
  /**
   * The TypeORM entity manager of the projection's transaction: the batch's (async) or
   * the append's (inline). Write the read model through it, never through another
   * connection, or the exactly-once guarantee is lost. Under `database: 'memory'` there
   * is no database: any use of it there throws an `UnsupportedOperationError` (it is
   * typed as present, so PostgreSQL code needs no checks), and a projection tested in
   * memory keeps its state in a provider.
   */
  manager: EntityManager;
  /** True while a rebuild replays history into a reset read model. */
  replaying: boolean;
}

/** What a durable event handler's `@On` method gets besides the event. */
export interface DurableHandlerContext {
  /** 1 on the first delivery attempt in this process, then 2, 3… while it is retried. */
  attempt: number;
}
