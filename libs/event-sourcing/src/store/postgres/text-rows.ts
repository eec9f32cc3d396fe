import type { Connection, PoolClient, Submittable } from 'pg';
import { prepareValue } from 'pg/lib/utils.js';
import type { Statement } from './statement';

/** One row as PostgreSQL sent it: each column's text, null for NULL, in the statement's column order. @internal */
export type TextRow = readonly (string | null)[];

/** What `pg`'s Connection keeps of the statements prepared on it (untyped in @types/pg). */
interface PreparedOnConnection {
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements: Record<string, string | undefined>;
}

/**
 * Runs a statement on `client` and returns its rows as text, without the row
 * description and row objects `pg`'s own query builds.
 *
 * `pg` asks the server to describe the result of every execution (a Describe message),
 * reads the description back, builds a parser per column and an object per row. The
 * store's statements are its own: it knows their columns and their types. This sends
 * Bind, Execute and Sync alone (and Parse, the first time on a connection), as `pg`'s
 * query does for a prepared statement otherwise, through `pg`'s documented extension
 * point for queries (a `Submittable`, as `pg-cursor` is). On a single-event append
 * this measured 35 µs less per call, about a third of the Node side of the round trip.
 *
 * A named statement is prepared per connection under its name, in the same bookkeeping
 * `pg`'s own queries use, so the two can run the same statement. An unnamed one (SQL
 * built per call), a client in pipeline mode (which takes no such queries) and
 * `pg-native` (see {@link readsText}) get the rows through an ordinary query instead.
 * @throws TypeError with `pg-native`, for a value its parsers turned into a Date, a boolean
 *   or JSON: read such columns only where {@link readsText}. @internal
 */
export async function textRows(
  client: PoolClient,
  statement: Statement,
  values: readonly unknown[],
  /** False: through `pg`'s own query (`writePath.textRows` off). */
  direct = true,
): Promise<TextRow[]> {
  if (!direct || !statement.name || !readsText(client) || (client as { pipeline?: boolean }).pipeline) {
    return viaQuery(client, statement, values);
  }
  const query = new TextRowsQuery(statement, values);
  client.query(query);
  try {
    return await query.done;
  } catch (error) {
    // Errors the server sent carry a stack that ends in the socket's read; from here
    // on, it shows the async callers that awaited this statement.
    if (error instanceof Error) Error.captureStackTrace(error);
    throw error;
  }
}

/**
 * Whether `client` is `pg`'s JavaScript client, whose rows {@link textRows} reads as the
 * server sent them. `pg-native` (which TypeORM picks up whenever it is installed) applies
 * its client's type parsers whatever a query asks: a `jsonb` column comes back as an
 * object, a `timestamptz` as a Date. @internal
 */
export function readsText(client: PoolClient): boolean {
  const { connection } = client as { connection?: Partial<PreparedOnConnection> };
  return connection?.parsedStatements !== undefined && connection.submittedNamedStatements !== undefined;
}

/** Every column as its text: the type parsers of {@link viaQuery}. */
const AS_TEXT = { getTypeParser: () => (text: string) => text };

async function viaQuery(client: PoolClient, statement: Statement, values: readonly unknown[]): Promise<TextRow[]> {
  const { rows } = await client.query<unknown[]>({
    ...statement,
    values: [...values],
    rowMode: 'array',
    types: AS_TEXT,
  });
  // pg-native ignores `types`: numbers (a count, an int8 however parsed) are written back
  // as text; anything else would be a column to read where readsText.
  return rows.map((row) => row.map(asText));
}

function asText(value: unknown): string | null {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  // What an int8 parser of the user's may make (a Long, a Decimal) tells its digits by toString.
  if (typeof value === 'object' && !(value instanceof Date) && !isJson(value)) {
    return (value as { toString(): string }).toString();
  }
  throw new TypeError(`textRows got a column parsed into ${typeof value} by pg-native; read it where readsText.`);
}

/** Whether `value` is what a JSON parser makes: an array or a plain object. */
function isJson(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/**
 * The query `pg`'s client runs for {@link textRows}. The client calls `submit` when the
 * connection is free, then hands it the server's messages until ReadyForQuery; after an
 * ErrorResponse, or when the connection ends, it calls `handleError` instead, and
 * nothing more.
 */
class TextRowsQuery implements Submittable {
  readonly name: string;
  readonly text: string;
  readonly done: Promise<TextRow[]>;
  /** Set by the client when a `query_timeout` is configured: told the outcome, it clears its timer. */
  callback?: (error: unknown, rows?: TextRow[]) => void;
  private readonly rows: TextRow[] = [];
  private resolve!: (rows: TextRow[]) => void;
  private reject!: (error: unknown) => void;

  constructor(
    statement: Statement,
    private readonly values: readonly unknown[],
  ) {
    // `name` and `text` are read by the client: it records the statement as prepared
    // when the server confirms the Parse, and forgets it after an error.
    this.name = statement.name;
    this.text = statement.text;
    this.done = new Promise<TextRow[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Sends the messages; an Error returned instead is handed back by the client through `handleError`. */
  submit(connection: Connection): Error | undefined {
    const prepared = connection as Connection & PreparedOnConnection;
    const known = prepared.parsedStatements[this.name] ?? prepared.submittedNamedStatements[this.name];
    if (known !== undefined && known !== this.text) {
      return new Error(`Statement name "${this.name}" is prepared on this connection for another text.`);
    }
    // Values become text before anything is sent: one that cannot (a throwing toPostgres)
    // fails the query with nothing sent and the connection usable.
    let parameters: (string | Buffer | null)[];
    try {
      parameters = this.values.map((value) => prepareValue(value));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    // One write for all messages, as `pg` does (where the socket can: not all can cork).
    const { stream } = connection;
    const corks = typeof stream.cork === 'function';
    if (corks) stream.cork();
    try {
      if (known === undefined) {
        connection.parse({ name: this.name, text: this.text, types: [] }, false);
        prepared.submittedNamedStatements[this.name] = this.text;
      }
      connection.bind({ statement: this.name, values: parameters }, false);
      connection.execute({ portal: '' }, false);
      connection.sync();
    } finally {
      if (corks) stream.uncork();
    }
    return undefined;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.rows.push(message.fields);
  }

  handleReadyForQuery(): void {
    this.callback?.(null, this.rows);
    this.resolve(this.rows);
  }

  handleError(error: unknown): void {
    this.callback?.(error);
    this.reject(error);
  }

  // The client calls these for messages of every query; this one needs none of them.
  handleRowDescription(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}
