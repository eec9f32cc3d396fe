/** The sizes of the publish section. */
export interface PublishParams {
  /** Accounts (streams) of the seeded history; each gets one opening and then deposits. */
  accounts: number;
  eventsPerAccount: number;
  eventsPerAppend: number;
  /** Events per page, on both sides: the library publisher's page, the raw loop's read. */
  batchSize: number;
  /** Runs of each side, interleaved (ABBA). */
  rounds: number;
  natsUrl: string;
}

/** One publish cell: a side, on the seeded database, to a JetStream stream of its own. */
export interface PublishCellSpec {
  url: string;
  side: 'library' | 'raw';
  /** Names the cell's stream, subjects and publisher apart from every other cell's. */
  cellId: string;
  params: PublishParams;
}

/** What a publish cell measured. */
export interface PublishCellResult {
  events: number;
  wallMs: number;
  eventsPerSecond: number;
  /** Messages in the cell's stream afterwards: the events, each once. */
  messages: number;
}

/** 100,000 events (10,000 quick), pages of 500, 2 runs per side (ABBA). */
export function publishParams(quick: boolean, env: NodeJS.ProcessEnv): PublishParams {
  return {
    accounts: quick ? 100 : 1_000,
    eventsPerAccount: 100,
    eventsPerAppend: 10,
    batchSize: 500,
    rounds: 2,
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  };
}

/** The JetStream stream and subject prefix of a cell. */
export function cellStream(cellId: string): { stream: string; prefix: string } {
  return { stream: `BENCH_PUBLISH_${cellId}`, prefix: `bench-publish-${cellId}` };
}
