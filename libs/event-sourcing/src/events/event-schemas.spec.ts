import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEventSchemas, recordEventSchemas } from './event-schema-check';
import { readEventSchemas, type EventSchemas } from './event-schemas';

// A project on disk, as a user's would be, read with the compiler API.
let dir: string;

function project(files: Record<string, string>): EventSchemas {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return readEventSchemas({ project: join(dir, 'tsconfig.json') });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'event-schemas-'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, experimentalDecorators: true, noEmit: true },
      include: ['*.ts'],
    }),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DEPOSITED_V1 = `
declare function DomainEvent(type: string, options?: { revision?: number }): ClassDecorator;
abstract class AccountEvent { constructor(readonly accountId: string) {} }
@DomainEvent('bank.money-deposited')
export class MoneyDeposited extends AccountEvent {
  note?: string;
  static readonly kind = 'money';
  constructor(accountId: string, readonly amount: number, readonly at: Date) { super(accountId); }
  describe(): string { return 'a deposit'; }
}
`;

describe('readEventSchemas', () => {
  it('reads each @DomainEvent class: revision, inherited, parameter and optional fields, no methods or statics', () => {
    expect(project({ 'events.ts': DEPOSITED_V1 })).toEqual({
      events: {
        'bank.money-deposited': {
          className: 'MoneyDeposited',
          revision: 1,
          fields: { accountId: 'string', amount: 'number', at: 'Date', 'note?': 'string' },
        },
      },
      upcasters: {},
    });
  });

  it('reads the revisions that @Upcaster classes and upcaster objects take', () => {
    const read = project({
      'events.ts': DEPOSITED_V1.replace(
        "@DomainEvent('bank.money-deposited')",
        "@DomainEvent('bank.money-deposited', { revision: 3 })",
      ),
      'upcasters.ts': `
declare function Upcaster(target: { type: string; fromRevision: number }): ClassDecorator;
@Upcaster({ type: 'bank.money-deposited', fromRevision: 2 })
export class V2 { upcast(data: unknown) { return data; } }
export const v1 = { type: 'bank.money-deposited', fromRevision: 1, upcast: (data: unknown) => data };
`,
    });
    expect(read.events['bank.money-deposited']!.revision).toBe(3);
    expect(read.upcasters).toEqual({ 'bank.money-deposited': [1, 2] });
  });
});

describe('checkEventSchemas', () => {
  const recorded = () => recordEventSchemas(project({ 'events.ts': DEPOSITED_V1 }));

  it('passes code that matches the record', () => {
    const record = recorded();
    expect(checkEventSchemas(record, project({ 'events.ts': DEPOSITED_V1 }))).toEqual({ breaking: [], unrecorded: [] });
  });

  it('refuses a shape changed at the same revision, naming each field', () => {
    const record = recorded();
    const changed = DEPOSITED_V1.replace('readonly amount: number', 'readonly amount: string').replace(
      'note?: string;',
      'currency!: string;',
    );
    const { breaking } = checkEventSchemas(record, project({ 'events.ts': changed }));
    expect(breaking).toEqual([
      expect.stringMatching(
        /^MoneyDeposited \("bank\.money-deposited"\) changed shape at revision 1 \(amount: number became string, note\?: string removed, currency: string added\).*Raise its revision to 2 and add an upcaster from 1\.$/,
      ),
    ]);
  });

  it('refuses a new revision without an upcaster from the old one, and takes it with one', () => {
    const record = recorded();
    const v2 = DEPOSITED_V1.replace(
      "@DomainEvent('bank.money-deposited')",
      "@DomainEvent('bank.money-deposited', { revision: 2 })",
    );
    expect(checkEventSchemas(record, project({ 'events.ts': v2 })).breaking).toEqual([
      expect.stringContaining(
        "no upcaster from revision 1: add @Upcaster({ type: 'bank.money-deposited', fromRevision: 1 })",
      ),
    ]);
    const withUpcaster = project({
      'events.ts': v2,
      'upcaster.ts': "export const up = { type: 'bank.money-deposited', fromRevision: 1, upcast: (d: unknown) => d };",
    });
    expect(checkEventSchemas(record, withUpcaster)).toEqual({
      breaking: [],
      unrecorded: [expect.stringContaining('moved from revision 1 to 2')],
    });
  });

  it('refuses a type whose class is gone, and lists a new type as unrecorded', () => {
    const record = recorded();
    const renamed = DEPOSITED_V1.replace("'bank.money-deposited'", "'bank.cash-deposited'");
    const check = checkEventSchemas(record, project({ 'events.ts': renamed }));
    expect(check.breaking).toEqual([
      expect.stringContaining('"bank.money-deposited" (revision 1) has no @DomainEvent class'),
    ]);
    expect(check.unrecorded).toEqual([expect.stringContaining('"bank.cash-deposited") is new')]);
  });
});

describe('readEventSchemas, beyond literals and flat fields', () => {
  const NESTED = (zip: string) => `
declare function DomainEvent(type: string, options?: { revision?: number }): ClassDecorator;
interface Address { street: string;${zip} }
const TYPE = 'crm.customer-moved';
const REVISION = 2;
@DomainEvent(TYPE, { revision: REVISION })
export class CustomerMoved { constructor(readonly to: Address, readonly previous: Address[]) {} }
`;

  it('reads type names and revisions held by constants, and writes nested shapes out', () => {
    const read = project({ 'events.ts': NESTED('') });
    expect(read.events['crm.customer-moved']).toEqual({
      className: 'CustomerMoved',
      revision: 2,
      fields: { previous: '{ street: string }[]', to: '{ street: string }' },
    });
  });

  it('refuses a field added to a nested interface at the same revision', () => {
    const record = recordEventSchemas(project({ 'events.ts': NESTED('') }));
    const { breaking } = checkEventSchemas(record, project({ 'events.ts': NESTED(' zip?: string;') }));
    expect(breaking).toEqual([
      expect.stringContaining('to: { street: string } became { street: string; zip?: string }'),
    ]);
  });

  it('names the class whose type name it cannot read, instead of skipping it', () => {
    const dynamic = `
declare function DomainEvent(type: string): ClassDecorator;
declare const prefix: string;
@DomainEvent(prefix + '.happened')
export class Happened {}
`;
    expect(() => project({ 'events.ts': dynamic })).toThrow(/Cannot read Happened's event type name at .*events\.ts:4/);
  });
});
