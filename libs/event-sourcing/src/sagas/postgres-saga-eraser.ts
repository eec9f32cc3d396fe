import type { EntityManager } from 'typeorm';
import { containsPatterns, redactJson } from '../store/personal-data/subject-erasers';

/** The JSON columns of the saga tables that may copy event data, by table, key and instance column. */
const JSON_COLUMNS = [
  { table: 'es_sagas', key: ['saga_id'], column: 'state', text: 'reason' },
  { table: 'es_saga_commands', key: ['command_id'], column: 'payload', text: 'error' },
  { table: 'es_saga_deadlines', key: ['saga_id', 'name'], column: 'payload', text: undefined },
] as const;

/**
 * Erases a forgotten subject's personal data (`texts`) from saga state, from the
 * commands sagas dispatch (their outbox) and from deadlines' payloads: each string that
 * holds one becomes null; a failure reason or command error that quotes one becomes
 * `[forgotten]`. With a `tenant` (a forget made for a tenant), only that tenant's
 * instances and their commands and deadlines. In the forget's transaction. `s` is the
 * quoted schema. @internal
 */
export async function eraseSagaCopies(
  manager: EntityManager,
  s: string,
  texts: readonly string[],
  tenant?: string,
): Promise<void> {
  if (texts.length === 0) return;
  const patterns = containsPatterns(texts);
  const ofTenant = `($2::text IS NULL OR saga_id IN (SELECT saga_id FROM ${s}.es_sagas WHERE tenant = $2))`;
  for (const { table, key, column, text } of JSON_COLUMNS) {
    const rows = await manager.query<{ id: string[]; value: unknown }[]>(
      `SELECT ARRAY[${key.map((name) => `${name}::text`).join(', ')}] AS id, ${column} AS value FROM ${s}.${table}
        WHERE ${column}::text LIKE ANY ($1::text[]) AND ${ofTenant} FOR UPDATE`,
      [patterns, tenant ?? null],
    );
    const where = key.map((name, n) => `${name}::text = $${n + 2}`).join(' AND ');
    for (const { id, value } of rows) {
      await manager.query(`UPDATE ${s}.${table} SET ${column} = $1::jsonb WHERE ${where}`, [
        JSON.stringify(redactJson(value, texts)),
        ...id,
      ]);
    }
    if (text === undefined) continue;
    await manager.query(
      `UPDATE ${s}.${table} SET ${text} = '[forgotten]' WHERE ${text} LIKE ANY ($1::text[]) AND ${ofTenant}`,
      [patterns, tenant ?? null],
    );
  }
}
