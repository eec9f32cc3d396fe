/**
 * The ninth migration: tags on events. A `text[]` column (an empty array costs a few
 * bytes a row; a separate table of tags measured 210 bytes an event against 87), and a
 * GIN index over the tagged rows alone. `fastupdate = off`: a pending list would make
 * appends cheaper now and some reads (and a conditional append's check) slow later,
 * when it is merged; reads must stay fast at p99. @internal
 */
export function tagsSchemaSql(s: string): string[] {
  return [
    `ALTER TABLE ${s}.es_events ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`,
    `CREATE INDEX es_events_tags_idx ON ${s}.es_events USING gin (tags) WITH (fastupdate = off) WHERE tags <> '{}'`,
  ];
}

/** Drops what {@link tagsSchemaSql} creates. @internal */
export function dropTagsSchemaSql(s: string): string[] {
  return [`DROP INDEX IF EXISTS ${s}.es_events_tags_idx`, `ALTER TABLE ${s}.es_events DROP COLUMN IF EXISTS tags`];
}

/**
 * The tenth migration: `es_append_guard`, what makes conditional appends race-free at
 * READ COMMITTED. In one sorted pass (so that two guards never wait for each other in
 * opposite orders) it takes transaction-level advisory locks on a key per tag (`p_keys`,
 * sorted, each once, made by the store from a hash of the tag): exclusive on the
 * condition's tags, shared on the appended events' (a key in both: exclusive). Every tagged append holds its shared locks until it commits, so a
 * conditional append on one of its tags waits for it, then checks the condition with a
 * fresh snapshot (PL/pgSQL takes one per statement): every matching event committed by
 * then is seen. With `p_lock_table` (an item of types alone, which no tag lock covers)
 * it first locks es_events in SHARE ROW EXCLUSIVE mode, which waits for every writer in
 * flight and holds every other back until it commits.
 *
 * The check: an event matching an item (its type among the item's types when given,
 * and all the item's tags) that the reader's snapshot `p_snapshot` did not see, or,
 * with a bare position, one after `p_after`. An item with tags is found by the tag
 * index alone, so it costs what reading the decision's events cost: bounded by the
 * snapshot's xmin too, the planner took the global index for the newest transactions
 * (their ids past its statistics, estimated as none) and filtered every event since
 * the read (2,400 rows, 0.77 ms, measured). An item of types alone is bounded by the
 * xmin on the global index (any event the snapshot did not see is at or after it).
 * The append's
 * own events (`p_own`, stored by an earlier try of it) and its own transaction's do
 * not count. A match raises
 * SQLSTATE ESC01, which the store reports as AppendConditionError.
 *
 * Its statements run on generic plans: the check executes in about 20 µs, and planning
 * it for each call's values, which PL/pgSQL kept doing (the generic plan looked dearer),
 * took ten times that. The position bound is no index condition, so that the generic
 * plan never ANDs the tag index with a scan of the primary key. @internal
 */
export function appendGuardSchemaSql(s: string): string[] {
  return [appendGuardSql(s, false)];
}

/**
 * The `es_append_guard` function: with `tenanted`, as the tenant migration makes it (a
 * ninth parameter, the tenant of the append, null for none: only that tenant's events
 * fail the check; the locks stay by tag, for every tenant); without, as the tenth
 * migration made it. @internal
 */
export function appendGuardSql(s: string, tenanted: boolean): string {
  const unseen = `(v_snapshot IS NULL OR NOT pg_visible_in_snapshot(e.transaction_id, v_snapshot))
                  AND (p_after IS NULL OR e.position > p_after) AND e.event_id <> ALL (v_own)
                  AND e.transaction_id IS DISTINCT FROM v_self${tenanted ? '\n                  AND (p_tenant IS NULL OR e.tenant_id = p_tenant)' : ''}`;
  return `CREATE FUNCTION ${s}.es_append_guard(p_keys bigint[], p_exclusive boolean[], p_lock_table boolean,
        p_item_types text[], p_item_tags text[], p_snapshot text, p_after bigint, p_own uuid[]${tenanted ? ', p_tenant text' : ''}) RETURNS boolean
      LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $fn$
      DECLARE
        v_types text[];
        v_tags text[];
        v_snapshot pg_snapshot := p_snapshot::pg_snapshot;
        v_xmin xid8 := coalesce(pg_snapshot_xmin(p_snapshot::pg_snapshot), '0'::xid8);
        v_own uuid[] := coalesce(p_own, '{}');
        v_self xid8 := pg_current_xact_id_if_assigned();
        v_found boolean;
        v_pass integer;
      BEGIN
        -- Pass 1 checks before any lock, so that a decision already overtaken fails at once
        -- instead of queueing for the lock behind the one that overtook it; pass 2 takes the
        -- locks and checks again, now with every matching writer in flight finished.
        FOR v_pass IN 1..2 LOOP
          IF v_pass = 2 THEN
            IF p_lock_table THEN
              LOCK TABLE ${s}.es_events IN SHARE ROW EXCLUSIVE MODE;
            END IF;
            -- The keys come sorted, each once, exclusive where a condition names the tag.
            FOR i IN 1..coalesce(cardinality(p_keys), 0) LOOP
              IF p_exclusive[i] THEN
                PERFORM pg_advisory_xact_lock(p_keys[i]);
              ELSE
                PERFORM pg_advisory_xact_lock_shared(p_keys[i]);
              END IF;
            END LOOP;
          END IF;
          -- Item i: types p_item_types[i] (null: any), tags p_item_tags[i], each an array literal.
          FOR i IN 1..coalesce(cardinality(p_item_tags), 0) LOOP
            v_types := p_item_types[i]::text[];
            v_tags := p_item_tags[i]::text[];
            IF cardinality(v_tags) > 0 THEN
              SELECT EXISTS (SELECT 1 FROM ${s}.es_events e
                  WHERE e.tags @> v_tags AND e.tags <> '{}'
                    AND (v_types IS NULL OR e.type = ANY (v_types))
                    AND ${unseen}) INTO v_found;
            ELSE
              SELECT EXISTS (SELECT 1 FROM ${s}.es_events e
                  WHERE (v_types IS NULL OR e.type = ANY (v_types))
                    AND e.transaction_id >= v_xmin
                    AND ${unseen}) INTO v_found;
            END IF;
            IF v_found THEN
              RAISE EXCEPTION USING ERRCODE = 'ESC01', MESSAGE = 'es_append_guard: the append condition failed';
            END IF;
          END LOOP;
        END LOOP;
        RETURN true;
      END
    $fn$`;
}

/** Drops what {@link appendGuardSchemaSql} creates. @internal */
export function dropAppendGuardSchemaSql(s: string): string[] {
  return [
    `DROP FUNCTION IF EXISTS ${s}.es_append_guard(bigint[], boolean[], boolean, text[], text[], text, bigint, uuid[])`,
  ];
}
