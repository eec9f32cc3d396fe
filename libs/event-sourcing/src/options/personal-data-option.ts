import { ConfigurationError } from '../errors/configuration-error';

/** The module's `personalData` option: how subjects' keys are kept (see docs/personal-data.md). */
export interface PersonalDataOptions {
  /**
   * The master key that wraps every subject's key in `es_subject_keys` (AES-256-GCM), so
   * that a copy of the database alone does not open personal data: 32 bytes, as 64 hex
   * digits or base64 (from a secret store or an environment variable such as
   * `ES_MASTER_KEY`; `openssl rand -hex 32` makes one). Default none: keys are stored as
   * they are, protected only as the database is.
   */
  masterKey?: string | Buffer;
  /**
   * Master keys used before, still accepted to unwrap the keys they wrapped (each stored
   * key names its master key by id); new keys are wrapped with `masterKey`.
   */
  previousMasterKeys?: readonly (string | Buffer)[];
  /**
   * How long a subject's key is used from memory before its row is read again: the
   * longest time another instance may still decrypt a subject this one forgot. Default 30 000.
   */
  keyCacheMs?: number;
  /** Most subjects whose keys one process keeps in memory. Default 10 000. */
  maxKeys?: number;
}

/** {@link PersonalDataOptions} checked, the master keys as bytes (the current one first). @internal */
export interface PersonalDataSettings {
  masterKeys: Buffer[];
  keyCacheMs: number;
  maxKeys: number;
}

/**
 * @throws ConfigurationError for a master key that is not 32 bytes, or a bad number.
 * @internal
 */
export function resolvePersonalData(options: PersonalDataOptions | undefined): PersonalDataSettings {
  const current = options?.masterKey === undefined || options.masterKey === '' ? [] : [options.masterKey];
  if (current.length === 0 && options?.previousMasterKeys?.length) {
    throw new ConfigurationError(
      'EventSourcingModule option personalData.previousMasterKeys needs personalData.masterKey: give the current one.',
    );
  }
  const masterKeys = [...current, ...(options?.previousMasterKeys ?? [])].map((key, i) =>
    masterKeyBytes(key, i === 0 ? 'personalData.masterKey' : `personalData.previousMasterKeys[${i - 1}]`),
  );
  return {
    masterKeys,
    keyCacheMs: whole('personalData.keyCacheMs', options?.keyCacheMs ?? 30_000),
    maxKeys: whole('personalData.maxKeys', options?.maxKeys ?? 10_000),
  };
}

function masterKeyBytes(value: string | Buffer, option: string): Buffer {
  const bytes =
    typeof value !== 'string'
      ? value
      : /^[0-9a-fA-F]{64}$/.test(value)
        ? Buffer.from(value, 'hex')
        : Buffer.from(value, 'base64');
  if (!Buffer.isBuffer(bytes) || bytes.length !== 32) {
    throw new ConfigurationError(
      `EventSourcingModule option ${option} must be 32 bytes, as 64 hex digits or base64 (openssl rand -hex 32); it is ${Buffer.isBuffer(bytes) ? bytes.length : 0} bytes.`,
    );
  }
  return bytes;
}

function whole(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(
      `EventSourcingModule option ${option} must be a whole number >= 0, not ${String(value)}.`,
    );
  }
  return value;
}
