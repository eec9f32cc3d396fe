// The part of autocannon's API (v9, which ships no types) that the HTTP benchmark uses.
// Written here rather than taken from @types/autocannon, which describes v7.

declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    /** One request of the sequence each connection cycles through. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Called before each send; returns the request to send (a changed copy of `request`). */
      setupRequest?: (request: Request) => Request;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds to run. */
      duration?: number;
      /** Requests to send in all, instead of a duration; the run ends when all are answered. */
      amount?: number;
      /** Seconds without an answer after which a request counts as a timeout. */
      timeout?: number;
      requests?: Request[];
      /** Latencies of non-2xx answers in the histogram too (false by default). */
      includeErrorStats?: boolean;
    }

    /** Percentiles and the like of one of the result's histograms. */
    interface Histogram {
      average: number;
      mean: number;
      p50: number;
      p99: number;
      max: number;
      total: number;
    }

    interface Result {
      /** Seconds the run lasted, as asked. */
      duration: number;
      start: Date;
      finish: Date;
      /** Connection errors, timeouts included. */
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Of 2xx answers only, in whole milliseconds. */
      latency: Histogram;
      requests: Histogram;
    }

    /** The running benchmark: a promise of its result, and an emitter of its progress. */
    interface Instance extends EventEmitter, PromiseLike<Result> {
      /** An answer came; `responseTime` is in fractional milliseconds. */
      on(
        event: 'response',
        listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
      ): this;
      /** A request failed without an answer (connection error or timeout). */
      on(event: 'reqError', listener: (error: Error) => void): this;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;

  export = autocannon;
}
