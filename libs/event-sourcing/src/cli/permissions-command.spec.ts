import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { PermissionReadModel } from '../access/permission-read-model';
import { PermissionStore } from '../access/permission-store';
import { EventSourcingAccessModule } from '../access/event-sourcing-access.module';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { MessageContext } from '../events/message-context';
import { EventSourcingModule } from '../event-sourcing.module';
import { EventStore } from '../store/event-store';
import { PermissionsRebuildCommand } from './permissions-command';

// `permissions rebuild` on the read model of an app with the access module, in memory.
describe('permissions rebuild (CLI command)', () => {
  let moduleRef: TestingModule;
  let printed: string[];
  let write: jest.SpyInstance;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({ database: 'memory', tenancy: true }),
        EventSourcingAccessModule.forRoot(),
      ],
    }).compile();
    await moduleRef.init();
    printed = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
      printed.push(String(text));
      return true;
    });
    const context = moduleRef.get(MessageContext);
    for (const tenantId of ['acme', 'globex']) {
      await context.run({ correlationId: randomUUID(), tenantId }, () =>
        moduleRef.get(EventStore).append(`access-${tenantId}`, [
          {
            type: 'es.permission-granted',
            data: { actorId: 'ann', aggregateType: 'doc', aggregateId: 'd1', permission: '*' },
          },
        ]),
      );
    }
  });
  afterEach(async () => {
    write.mockRestore();
    await moduleRef.close();
  });

  const holds = (tenantId: string) =>
    moduleRef.get(PermissionStore).holds({
      tenantId,
      actorId: 'ann',
      aggregateType: 'doc',
      aggregateId: 'd1',
      permissions: ['*'],
    });

  it('rebuilds one tenant with --tenant, and says what it replayed', async () => {
    await moduleRef.get(PermissionStore).revoke('acme', [{ actorId: 'ann', aggregateType: 'doc', aggregateId: 'd1' }]);
    await moduleRef
      .get(PermissionStore)
      .revoke('globex', [{ actorId: 'ann', aggregateType: 'doc', aggregateId: 'd1' }]);
    await new PermissionsRebuildCommand(moduleRef.get(PermissionReadModel)).run([], { tenant: 'acme' });
    expect(printed.join('')).toBe('Rebuilt the permissions of tenant acme: 1 events of 2 types replayed.\n');
    expect([await holds('acme'), await holds('globex')]).toEqual([true, false]);
  });

  it('rebuilds every tenant, printing JSON with --json', async () => {
    await new PermissionsRebuildCommand(moduleRef.get(PermissionReadModel)).run([], { json: true });
    expect(JSON.parse(printed.join(''))).toEqual({
      types: ['es.permission-granted', 'es.permission-revoked'],
      events: 2,
    });
  });

  it('refuses in an app without the access module', async () => {
    await expect(new PermissionsRebuildCommand(undefined).run([], {})).rejects.toThrow(UnsupportedOperationError);
  });
});
