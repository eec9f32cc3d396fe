import { randomUUID } from 'node:crypto';
import { bootTenancyModule, type TenancyModule } from '../../../../test/support/tenancy-module';
import { SubjectForgottenError } from '../errors/subject-forgotten-error';
import { SubjectNotFoundError } from '../errors/subject-not-found-error';
import type { EventStore } from './event-store';

// A forget made for a tenant erases only what that tenant's own streams hold: another
// tenant's subject, a subject shared by two tenants and an unknown one are refused alike
// (not found, nothing erased, nothing tombstoned); operators forget any subject.
describe.each(['memory', 'postgres'] as const)('forget scoped by tenant (%s)', (kind) => {
  let tenancy: TenancyModule | undefined;
  let store: EventStore;
  const run = <T>(tenantId: string | undefined, work: () => Promise<T>): Promise<T> => tenancy!.run(tenantId, work);

  beforeAll(async () => {
    tenancy = await bootTenancyModule(kind, 'tenant_forget');
    ({ store } = tenancy);
  });
  afterAll(() => tenancy?.close());

  /** A stream of `tenant` holding `owner` as the personal data of `subject`. */
  const open = async (tenant: string, subject: string, owner: string): Promise<string> => {
    const streamId = `person-${randomUUID()}`;
    await run(tenant, () =>
      store.append(streamId, [{ type: 't.opened', data: { owner }, personalData: { owner: subject } }]),
    );
    return streamId;
  };
  const ownerOf = async (tenant: string, streamId: string): Promise<unknown> =>
    (await run(tenant, () => store.readStream(streamId)))[0]?.data;
  const refused = async (tenant: string, subject: string): Promise<void> => {
    const error: unknown = await run(tenant, () => store.forget(subject)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SubjectNotFoundError);
    expect((error as SubjectNotFoundError).code).toBe('ES_SUBJECT_NOT_FOUND');
    expect((error as Error).message).not.toContain('acme');
  };

  it("lets a tenant forget a subject its own streams alone hold, and refuses another tenant's", async () => {
    const subject = randomUUID();
    const streamId = await open('acme', subject, 'Ada Acme');
    await refused('globex', subject);
    expect(await ownerOf('acme', streamId)).toEqual({ owner: 'Ada Acme' });

    expect(await run('acme', () => store.forget(subject))).toEqual({ subject, forgotten: true, streamIds: [streamId] });
    expect(await ownerOf('acme', streamId)).toEqual({ owner: null });
  });

  it('refuses an unknown subject to a tenant without tombstoning it, so its data can still come', async () => {
    const subject = randomUUID();
    await refused('globex', subject);
    const streamId = await open('acme', subject, 'Bea Later');
    expect(await ownerOf('acme', streamId)).toEqual({ owner: 'Bea Later' });
  });

  it('refuses a subject held by two tenants to both, and leaves it to an operator', async () => {
    const subject = randomUUID();
    const [acmeStream, globexStream] = [
      await open('acme', subject, 'Cy Both'),
      await open('globex', subject, 'Cy Both'),
    ];
    await refused('acme', subject);
    await refused('globex', subject);
    expect(await ownerOf('acme', acmeStream)).toEqual({ owner: 'Cy Both' });

    const result = await run(undefined, () => store.forget(subject));
    expect(result.streamIds.sort()).toEqual([acmeStream, globexStream].sort());
    expect(await ownerOf('globex', globexStream)).toEqual({ owner: null });
    await expect(open('acme', subject, 'Cy Again')).rejects.toBeInstanceOf(SubjectForgottenError);
  });

  it('answers an already forgotten subject of another tenant as unknown, not as forgotten', async () => {
    const subject = randomUUID();
    await open('acme', subject, 'Dee Gone');
    await run('acme', () => store.forget(subject));
    await refused('globex', subject);
    expect(await run('acme', () => store.forget(subject))).toEqual({ subject, forgotten: false, streamIds: [] });
  });
});
