import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Metadata key listing the fields of an event stored encrypted (`['owner']`). */
export const PERSONAL_DATA_KEY = '$pd';
/** Metadata key, on read, listing the fields whose subject was forgotten; they read as `null`. */
export const FORGOTTEN_KEY = '$forgotten';

/** An encrypted field as stored: `{ "$pd": base64(iv | tag | ciphertext), "s": subject }`. @internal */
export interface SealedValue {
  $pd: string;
  s: string;
}

/** Length of a data key and of a master key, in bytes (AES-256). */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A wrapped key: version byte, master key id (4 bytes), iv, tag, the key. */
const WRAPPED_VERSION = 1;
const WRAPPED_BYTES = 1 + 4 + IV_BYTES + TAG_BYTES + KEY_BYTES;

/** A fresh random data key. @internal */
export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** The AAD that ties a ciphertext to its subject and field: it cannot be moved to another. */
function aad(subject: string, field: string): Buffer {
  return Buffer.from(`${subject}\u0000${field}`, 'utf8');
}

/** `value` (any JSON) encrypted with `key` for `subject`'s `field`. @internal */
export function sealValue(key: Buffer, subject: string, field: string, value: unknown): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(subject, field));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { $pd: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'), s: subject };
}

/**
 * The value a {@link sealValue} gave, decrypted.
 * @throws Error when the key does not open it (another key, tampered data).
 * @internal
 */
export function openValue(key: Buffer, field: string, sealed: SealedValue): unknown {
  const bytes = Buffer.from(sealed.$pd, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('the ciphertext is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(aad(sealed.s, field));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as unknown;
}

/** Whether `value` is an encrypted field as {@link sealValue} stores it. @internal */
export function isSealed(value: unknown): value is SealedValue {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as SealedValue).$pd === 'string' &&
    typeof (value as SealedValue).s === 'string'
  );
}

/** A master key and its id: the first 4 bytes of its SHA-256, stored with each key it wraps. @internal */
export interface MasterKey {
  id: Buffer;
  key: Buffer;
}

/** A master key (32 bytes) with its id. @internal */
export function masterKeyOf(key: Buffer): MasterKey {
  return { id: createHash('sha256').update(key).digest().subarray(0, 4), key };
}

/** `dataKey` as stored: wrapped by `master` (AES-256-GCM), or as it is without one. @internal */
export function wrapKey(dataKey: Buffer, master: MasterKey | undefined): Buffer {
  if (!master) return dataKey;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv);
  const header = Buffer.concat([Buffer.from([WRAPPED_VERSION]), master.id]);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

/**
 * A stored key as the data key it holds, unwrapped by the master key whose id it carries.
 * @throws Error saying why it cannot be used (length, unknown master key, failed authentication).
 * @internal
 */
export function unwrapKey(stored: Buffer, masters: readonly MasterKey[]): Buffer {
  if (stored.length === KEY_BYTES) return stored;
  if (stored.length !== WRAPPED_BYTES || stored[0] !== WRAPPED_VERSION) {
    throw new Error(`the stored key has ${stored.length} bytes, neither a key (${KEY_BYTES}) nor a wrapped one`);
  }
  const id = stored.subarray(1, 5);
  const master = masters.find((m) => m.id.equals(id));
  if (!master) throw new Error(`it is wrapped by master key ${id.toString('hex')}, which is not configured`);
  const decipher = createDecipheriv('aes-256-gcm', master.key, stored.subarray(5, 5 + IV_BYTES));
  decipher.setAAD(stored.subarray(0, 5));
  decipher.setAuthTag(stored.subarray(5 + IV_BYTES, 5 + IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(stored.subarray(5 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}
