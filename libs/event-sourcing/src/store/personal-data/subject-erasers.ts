import type { EntityManager } from 'typeorm';

/** What a {@link SubjectEraser} is given when a data subject is forgotten. @internal */
export interface ForgetWork {
  subject: string;
  /** The streams holding its personal data. */
  streamIds: readonly string[];
  /**
   * Its personal data as text, decrypted one last time (each string value, and each
   * other value as JSON): what erasers look for in copies kept elsewhere.
   */
  values: readonly string[];
  /** The forget's transaction (PostgreSQL); undefined on the in-memory store. */
  manager?: EntityManager;
}

/** Erases what one part of the library keeps of a forgotten subject (snapshots, stored responses). @internal */
export type SubjectEraser = (work: ForgetWork) => Promise<void>;

/**
 * The erasers that run in a forget's transaction, added by what keeps copies of event
 * data outside the store: snapshots, idempotency records, saga state. @internal
 */
export class SubjectErasers {
  private readonly erasers: SubjectEraser[] = [];

  add(eraser: SubjectEraser): void {
    this.erasers.push(eraser);
  }

  async run(work: ForgetWork): Promise<void> {
    for (const eraser of this.erasers) await eraser(work);
  }
}

/**
 * The texts of decrypted personal data values, for erasers: strings as they are, other
 * values (numbers, objects) as their string leaves and as JSON. Empty strings dropped.
 * @internal
 */
export function textsOf(values: readonly unknown[]): string[] {
  const texts = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value !== '') texts.add(value);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(visit);
    } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      texts.add(`${value}`);
    }
  };
  values.forEach(visit);
  return [...texts];
}

/**
 * `value` with every string that contains one of `texts` replaced by null, deeply; the
 * same object when nothing matched. For JSON copies (saga state, command payloads). @internal
 */
export function redactJson(value: unknown, texts: readonly string[]): unknown {
  if (typeof value === 'string') return texts.some((t) => value.includes(t)) ? null : value;
  if (Array.isArray(value)) {
    const items = value.map((item) => redactJson(item, texts));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      copy[key] = redactJson(child, texts);
      if (copy[key] !== child) changed = true;
    }
    return changed ? copy : value;
  }
  return value;
}

/**
 * `LIKE` patterns that find `texts` inside JSON as PostgreSQL prints it (each text
 * JSON-escaped, `%`, `_` and `\\` escaped), for `col::text LIKE ANY (patterns)`. @internal
 */
export function containsPatterns(texts: readonly string[]): string[] {
  return texts.map(
    (t) =>
      `%${JSON.stringify(t)
        .slice(1, -1)
        .replace(/[\\%_]/g, '\\$&')}%`,
  );
}
