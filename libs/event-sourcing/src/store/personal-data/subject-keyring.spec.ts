import { randomBytes } from 'node:crypto';
import { PersonalDataKeyError } from '../../errors/personal-data-key-error';
import { openValue, sealValue } from '../../events/personal-data-cipher';
import { SubjectKeyring, type LoadKeys } from './subject-keyring';

/** A key table of one row per subject, as `load` reads it. */
function tableOf(rows: Record<string, Buffer | null>): LoadKeys {
  return (subjects) => {
    const found = new Map<string, Buffer | null>();
    for (const s of subjects) if (s in rows) found.set(s, rows[s]!);
    return Promise.resolve(found);
  };
}

describe('SubjectKeyring and master keys', () => {
  const oldMaster = randomBytes(32);
  const newMaster = randomBytes(32);

  it('stores a drawn key wrapped by the master key, never as the key itself', () => {
    const { key, stored } = new SubjectKeyring({ masterKeys: [newMaster] }).draw();
    expect(key).toHaveLength(32);
    expect(stored.length).toBeGreaterThan(32);
    expect(stored.includes(key)).toBe(false);
    expect(new SubjectKeyring({}).draw().stored).toHaveLength(32);
  });

  it('opens a key wrapped by an earlier master key after a rotation, and seals with the new one', async () => {
    const before = new SubjectKeyring({ masterKeys: [oldMaster] }).draw();
    const sealed = sealValue(before.key, 'person-1', 'owner', 'Ada Lovelace');
    const rotated = new SubjectKeyring({ masterKeys: [newMaster, oldMaster] });
    const state = (await rotated.load(['person-1'], tableOf({ 'person-1': before.stored }))).get('person-1');
    expect(state).not.toBe('forgotten');
    expect(openValue((state as { key: Buffer }).key, 'owner', sealed)).toBe('Ada Lovelace');
    const drawn = rotated.draw();
    expect(new SubjectKeyring({ masterKeys: [newMaster] }).unwrap('person-2', drawn.stored)).toEqual(drawn.key);
    expect(() => new SubjectKeyring({ masterKeys: [oldMaster] }).unwrap('person-2', drawn.stored)).toThrow(
      PersonalDataKeyError,
    );
  });

  it('refuses a key it cannot open: no master key, a damaged row, a wrong length', () => {
    const { stored } = new SubjectKeyring({ masterKeys: [oldMaster] }).draw();
    const plainRing = new SubjectKeyring({});
    expect(() => plainRing.unwrap('person-3', stored)).toThrow(/not configured/);
    const damaged = Buffer.from(stored);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 0xff, damaged.length - 1);
    expect(() => new SubjectKeyring({ masterKeys: [oldMaster] }).unwrap('person-3', damaged)).toThrow(
      PersonalDataKeyError,
    );
    expect(() => plainRing.unwrap('person-3', randomBytes(17))).toThrow(/17 bytes/);
  });

  it('tells a forgotten subject (a tombstone row) from a lost key (no row)', async () => {
    const ring = new SubjectKeyring({ masterKeys: [newMaster] });
    const states = await ring.load(['gone'], tableOf({ gone: null }));
    expect(states.get('gone')).toBe('forgotten');
    await expect(ring.load(['lost'], tableOf({}))).rejects.toThrow(PersonalDataKeyError);
  });
});
