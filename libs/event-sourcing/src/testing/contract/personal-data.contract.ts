import { randomUUID } from 'node:crypto';
import { InvalidQueryError } from '../../errors/invalid-query-error';
import { PersonalDataKeyError } from '../../errors/personal-data-key-error';
import { SubjectForgottenError } from '../../errors/subject-forgotten-error';
import type { EventEnvelope, NewEvent } from '../../events/event-envelope';
import { FORGOTTEN_KEY, PERSONAL_DATA_KEY } from '../../events/personal-data-cipher';
import { SUBJECT_FORGOTTEN } from '../../events/subject-forgotten-stream';
import type { ForgetWork } from '../../store/personal-data/subject-erasers';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describePersonalDataContract(ctx: ContractContext): void {
  const { stream } = ctx;
  const subjectOf = (): string => `person-${randomUUID()}`;
  const opened = (subject: string, owner = 'Ada Lovelace', email = 'ada@example.com'): NewEvent => ({
    type: 'contract.account-opened',
    data: { subject, owner, email, balance: 100 },
    personalData: { owner: subject, email: subject },
    tags: [`person:${subject}`],
  });
  const fieldsOf = (events: EventEnvelope[]): unknown[] =>
    events.map((e) => {
      const { owner, email, balance } = e.data as Record<string, unknown>;
      return { owner, email, balance, forgotten: e.metadata[FORGOTTEN_KEY] };
    });

  describe('personal data', () => {
    it('stores personal fields encrypted and reads them back decrypted everywhere', async () => {
      const id = stream();
      const subject = subjectOf();
      await ctx.store.append(id, [opened(subject), ctx.event({ n: 2 })]);
      const plain = { owner: 'Ada Lovelace', email: 'ada@example.com', balance: 100, forgotten: undefined };
      const [first] = await ctx.store.readStream(id);
      expect(fieldsOf([first!])).toEqual([plain]);
      expect(first!.metadata[PERSONAL_DATA_KEY]).toEqual(['owner', 'email']);
      const iterated: EventEnvelope[] = [];
      for await (const e of ctx.store.iterateStream(id)) iterated.push(e);
      expect(fieldsOf(iterated.slice(0, 1))).toEqual([plain]);
      const everything = await ctx.readEverythingIncluding(id);
      expect(fieldsOf(everything.filter((e) => e.streamId === id && e.version === 1))).toEqual([plain]);
      expect(fieldsOf(await ctx.store.queryEvents({ streams: [id], types: ['contract.account-opened'] }))).toEqual([
        plain,
      ]);
      const matching = await ctx.store.readMatching([{ tags: [`person:${subject}`] }]);
      expect(fieldsOf(matching.events)).toEqual([plain]);
      const inTransaction = await ctx.store.transaction((tx) => tx.readStream(id, { toVersion: 1 }));
      expect(fieldsOf(inTransaction)).toEqual([plain]);
      const raw = await ctx.subject.raw?.storedData(id);
      if (raw) {
        const text = JSON.stringify(raw);
        expect(text).not.toContain('Ada Lovelace');
        expect(text).not.toContain('ada@example.com');
        expect((raw[0] as Record<string, unknown>).balance).toBe(100);
        expect((raw[0] as Record<string, { s: string }>).owner!.s).toBe(subject);
      }
    });

    it('encrypts in appendMany and in transactions, one key per subject across streams', async () => {
      const subject = subjectOf();
      const [a, b, c] = [stream(), stream(), stream()];
      await ctx.store.appendMany([
        { streamId: a, events: [opened(subject, 'Grace Hopper')] },
        { streamId: b, events: [opened(subject, 'Grace Hopper')] },
      ]);
      await ctx.store.transaction((tx) => tx.append(c, [opened(subject, 'Grace Hopper')]));
      for (const id of [a, b, c]) {
        expect((await ctx.store.readStream(id)).map((e) => (e.data as { owner: string }).owner)).toEqual([
          'Grace Hopper',
        ]);
      }
      const forgotten = await ctx.store.forget(subject);
      expect(forgotten.streamIds).toEqual([a, b, c].sort());
    });

    it('gives one subject one key when two streams claim it at once', async () => {
      const subject = subjectOf();
      const ids = Array.from({ length: 6 }, () => stream());
      await Promise.all(ids.map((id) => ctx.store.append(id, [opened(subject, 'Alan Turing')])));
      for (const id of ids) {
        const [e] = await ctx.store.readStream(id);
        expect((e!.data as { owner: string }).owner).toBe('Alan Turing');
      }
    });

    it('forgets a subject: its fields read as null with $forgotten, the rest stays, a repeat is a no-op', async () => {
      const id = stream();
      const subject = subjectOf();
      const other = subjectOf();
      await ctx.store.append(id, [opened(subject), opened(other, 'Mary Somerville', 'mary@example.com')]);
      const seen: ForgetWork[] = [];
      ctx.store.erasers.add(async (work) => void (work.subject === subject && seen.push(work)));
      expect(await ctx.store.forget(subject)).toEqual({ subject, forgotten: true, streamIds: [id] });
      expect(seen.map((w) => [...w.values].sort())).toEqual([['Ada Lovelace', 'ada@example.com']]);
      const read = await ctx.store.readStream(id);
      expect(fieldsOf(read)).toEqual([
        { owner: null, email: null, balance: 100, forgotten: ['owner', 'email'] },
        { owner: 'Mary Somerville', email: 'mary@example.com', balance: 100, forgotten: undefined },
      ]);
      expect(fieldsOf(await ctx.store.queryEvents({ streams: [id], limit: 1, order: 'oldest-first' }))).toEqual(
        fieldsOf(read.slice(0, 1)),
      );
      const notes = await ctx.store.queryEvents({ types: [SUBJECT_FORGOTTEN], limit: null });
      expect(notes.filter((e) => (e.data as { subject: string }).subject === subject)).toHaveLength(1);
      expect(await ctx.store.forget(subject)).toEqual({ subject, forgotten: false, streamIds: [] });
      const again = await ctx.store.queryEvents({ types: [SUBJECT_FORGOTTEN], limit: null });
      expect(again.filter((e) => (e.data as { subject: string }).subject === subject)).toHaveLength(1);
    });

    it('forgets an unknown subject, and refuses personal data of a forgotten subject afterwards', async () => {
      const subject = subjectOf();
      expect(await ctx.store.forget(subject)).toEqual({ subject, forgotten: true, streamIds: [] });
      await ctx.expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [opened(subject)]),
        SubjectForgottenError,
        'ES_SUBJECT_FORGOTTEN',
      );
      const id = stream();
      await ctx.store.append(id, [{ ...opened(subject), personalData: undefined, data: { subject } }]);
      expect(await ctx.store.streamVersion(id)).toBe(1);
      await expect(ctx.store.forget('')).rejects.toThrow(InvalidQueryError);
    });

    it('fails with PersonalDataKeyError, never wrong data, when a key is damaged or lost', async () => {
      const raw = ctx.subject.raw;
      const subject = subjectOf();
      const id = stream();
      await ctx.store.append(id, [opened(subject)]);
      // Always checked: a ciphertext that another key does not open.
      const forged = subjectOf();
      const forgedStream = stream();
      await ctx.store.append(forgedStream, [opened(forged)]);
      if (!raw) return;
      const restart = (): void => ctx.store.caches.clear();
      await raw.damageKey(subject, Buffer.alloc(7));
      restart();
      await expect(ctx.store.readStream(id)).rejects.toThrow(PersonalDataKeyError);
      await raw.damageKey(subject, Buffer.alloc(32, 1));
      restart();
      await expect(ctx.store.readStream(id)).rejects.toThrow(/does not open field "owner"/);
      await raw.damageKey(subject, undefined);
      restart();
      const error = await ctx.store.readStream(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PersonalDataKeyError);
      expect((error as PersonalDataKeyError).code).toBe('ES_PERSONAL_DATA_KEY');
      expect((error as Error).message).toContain('never forgotten');
      // A forgotten subject reads as forgotten, not as an error: the tombstone tells them apart.
      await ctx.store.forget(forged);
      restart();
      expect(fieldsOf(await ctx.store.readStream(forgedStream))[0]).toMatchObject({ owner: null, email: null });
    });

    it('refuses personalData that names no subject or sits on data that is not an object', async () => {
      await expect(
        ctx.store.append(stream(), [{ ...opened(subjectOf()), personalData: { owner: '' } }]),
      ).rejects.toThrow(/subject of personal data field "owner"/);
      await expect(
        ctx.store.append(stream(), [{ type: 'contract.x', data: 'text', personalData: { owner: 'x' } }]),
      ).rejects.toThrow(/data must be an object/);
    });
  });
}
