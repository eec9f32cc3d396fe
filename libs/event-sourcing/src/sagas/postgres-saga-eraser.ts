import type { EntityManager } from 'typeorm';
import { containsPatterns, redactJson } from '../store/personal-data/subject-erasers';

/** The JSON columns of the saga tables that may copy event data, by table and key. */
const JSON_COLUMNS = [
  { table: 'es_sagas', key: 'saga_id', column: 'state' },
  { table: 'es_saga_commands', key: 'command_id', column: 'payload' },
] as const;

/**
 * Erases a forgotten subject's personal data (`texts`) from saga state, from the
 * commands sagas dispatch (their outbox) and from deadlines' payloads: each string that
 * holds one becomes null; a failure reason or command error that quotes one becomes
 * `[forgotten]`. In the forget's transaction. `s` is the quoted schema. @internal
 */
export async function eraseSagaCopies(manager: EntityManager, s: string, texts: readonly string[]): Promise<void> {
  if (texts.length === 0) return;
  const patterns = containsPatterns(texts);
  for (const { table, key, column } of JSON_COLUMNS) {
    const rows = await manager.query<{ id: string; value: unknown }[]>(
      `SELECT ${key} AS id, ${column} AS value FROM ${s}.${table} WHERE ${column}::text LIKE ANY ($1::text[]) FOR UPDATE`,
      [patterns],
    );
    for (const { id, value } of rows) {
      await manager.query(`UPDATE ${s}.${table} SET ${column} = $2::jsonb WHERE ${key} = $1`, [
        id,
        JSON.stringify(redactJson(value, texts)),
      ]);
    }
  }
  const deadlines = await manager.query<{ saga_id: string; name: string; payload: unknown }[]>(
    `SELECT saga_id, name, payload FROM ${s}.es_saga_deadlines WHERE payload::text LIKE ANY ($1::text[]) FOR UPDATE`,
    [patterns],
  );
  for (const { saga_id, name, payload } of deadlines) {
    await manager.query(`UPDATE ${s}.es_saga_deadlines SET payload = $3::jsonb WHERE saga_id = $1 AND name = $2`, [
      saga_id,
      name,
      JSON.stringify(redactJson(payload, texts)),
    ]);
  }
  await manager.query(`UPDATE ${s}.es_sagas SET reason = '[forgotten]' WHERE reason LIKE ANY ($1::text[])`, [patterns]);
  await manager.query(`UPDATE ${s}.es_saga_commands SET error = '[forgotten]' WHERE error LIKE ANY ($1::text[])`, [
    patterns,
  ]);
}
