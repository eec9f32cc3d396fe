import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { statementsOf } from '../../../../../test/support/statements-sent';
import { buildAppendStatements } from './append-statements';

describe('PostgreSQL statements of appends with and without personal data', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  const plain = buildAppendStatements('"public"');
  const keyed = buildAppendStatements('"public"', true);

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'personal_statements');
  });
  afterAll(() => subject.close!());

  it('builds the plain statements without the key claim, and every keyed one with it', () => {
    const texts = (set: typeof plain): string[] =>
      [set.first, set.atEnd, set.next, set.nextKnown, set.tagged.first, set.tagged.atEnd, set.tagged.next]
        .flatMap((forms) => [forms.document.text, forms.arrays.text])
        .concat([set.nextOne.text, set.nextOneKnown.text, set.tagged.nextOne.text, set.tagged.nextOneKnown.text]);
    expect(texts(plain).filter((t) => t.includes('es_claim_subject_keys'))).toEqual([]);
    expect(texts(keyed).every((t) => t.includes('es_claim_subject_keys'))).toBe(true);
  });

  it('runs the same single statement for an event without personal data, and one keyed statement with it', async () => {
    const { store } = subject;
    await store.append('pd-1', [{ type: 'x.opened', data: { n: 1 } }], { expectedVersion: 'no_stream' });
    await store.streamVersion('pd-1');
    const without = await statementsOf(() =>
      store.append('pd-1', [{ type: 'x.renamed', data: { name: 'Ada' } }], { expectedVersion: 1 }),
    );
    expect(without).toEqual([plain.nextOneKnown.name]);
    const withPersonal = await statementsOf(() =>
      store.append('pd-1', [{ type: 'x.renamed', data: { name: 'Ada' }, personalData: { name: 'person-1' } }], {
        expectedVersion: 2,
      }),
    );
    expect(withPersonal).toEqual([keyed.nextOneKnown.name]);
    const first = await statementsOf(() =>
      store.append('pd-2', [{ type: 'x.opened', data: { name: 'Ada' }, personalData: { name: 'person-2' } }], {
        expectedVersion: 'no_stream',
      }),
    );
    expect(first).toEqual([keyed.first.document.name]);
  });
});
