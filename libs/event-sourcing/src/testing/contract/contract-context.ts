import { randomUUID } from 'node:crypto';
import type { EventSourcingError } from '../../errors/event-sourcing-error';
import type { EventEnvelope, NewEvent } from '../../events/event-envelope';
import type { EventStore, GlobalCursor } from '../../store/event-store';

/** What the contract suite needs of a store under test. */
export interface ContractSubject {
  /** A store over an empty database, used by every test of the suite. */
  store: EventStore;
  /** The store's `maxEventSize`, in bytes. */
  maxEventSize: number;
  /** Releases what the subject holds (connections, databases). */
  close?: () => Promise<void>;
  /**
   * The store's raw side of personal data, for the contract to look behind the API: the
   * data of a stream's events as stored, and a way to damage a subject's stored key
   * (replace it, or with undefined delete its row) as a broken restore would.
   */
  raw?: {
    storedData: (streamId: string) => Promise<unknown[]>;
    damageKey: (subject: string, stored: Buffer | undefined) => Promise<void>;
  };
}

/** The subject under test and the helpers every part of the contract uses. @internal */
export interface ContractContext {
  readonly subject: ContractSubject;
  readonly store: EventStore;
  stream: (prefix?: string) => string;
  event: (data?: unknown, extra?: Partial<NewEvent>) => NewEvent;
  events: (count: number) => NewEvent[];
  /** Reads the whole store in global order, following the cursor to the end. */
  readEverything: () => Promise<EventEnvelope[]>;
  /**
   * Reads everything once every event of the given stream shows up. Transactions of other sessions on a
   * shared server hold the horizon back for a moment: wait for it, with a deadline.
   */
  readEverythingIncluding: (streamId: string) => Promise<EventEnvelope[]>;
  /** Total events, to prove a rejected call wrote nothing. */
  countAll: () => Promise<number>;
  /** Runs a call that must be rejected with `code`, and checks that nothing was written. */
  expectRejectedWithoutWrite: (
    call: () => Promise<unknown>,
    errorClass: new (...args: never[]) => EventSourcingError,
    code: string,
  ) => Promise<void>;
}

/** A context over a subject that `beforeAll` provides later. @internal */
export function createContractContext(subject: () => ContractSubject): ContractContext {
  const ctx: ContractContext = {
    get subject() {
      return subject();
    },
    get store() {
      return subject().store;
    },
    stream: (prefix = 'contract') => `${prefix}-${randomUUID()}`,
    event: (data: unknown = { n: 1 }, extra: Partial<NewEvent> = {}) => ({ type: 'contract.happened', data, ...extra }),
    events: (count) => Array.from({ length: count }, (_, n) => ctx.event({ n })),
    readEverything: async () => {
      const all: EventEnvelope[] = [];
      let cursor: GlobalCursor | undefined;
      for (;;) {
        const page = await ctx.store.readAll({ after: cursor, limit: 1000 });
        all.push(...page.events);
        if (page.events.length < 1000) return all;
        cursor = page.cursor;
      }
    },
    readEverythingIncluding: async (streamId) => {
      const deadline = Date.now() + 10_000;
      // Every event the stream holds, not just its first: the horizon can split a stream's appends.
      const expected = Math.max(1, (await ctx.store.readStream(streamId)).length);
      for (;;) {
        const all = await ctx.readEverything();
        const seen = all.filter((e) => e.streamId === streamId).length;
        if (seen >= expected || Date.now() > deadline) return all;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    countAll: async () => (await ctx.store.queryEvents({ limit: null })).length,
    expectRejectedWithoutWrite: async (call, errorClass, code) => {
      const before = await ctx.countAll();
      const error: unknown = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(errorClass);
      expect((error as EventSourcingError).code).toBe(code);
      expect((error as Error).message.length).toBeGreaterThan(20);
      expect(await ctx.countAll()).toBe(before);
    },
  };
  return ctx;
}
