// The SQL of the setting table: the deployment's choices, one value per key. The rule set in force lives
// under one key; other domains keep a marker of their own under theirs (health's colours recomputed
// under a rule set) through readSetting and writeSetting.
import type { Executor } from '../db/database.ts';

export const ACTIVE_RULESET_KEY = 'ruleset.active';

/** The value stored under a key, or null. */
export async function readSetting(ex: Executor, key: string): Promise<string | null> {
  const row = await ex.selectFrom('setting').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

/** Stores a key's value (insert or replace). */
export async function writeSetting(ex: Executor, key: string, value: string, now: number): Promise<void> {
  await ex
    .insertInto('setting')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

export function readActiveRuleSetId(ex: Executor): Promise<string | null> {
  return readSetting(ex, ACTIVE_RULESET_KEY);
}

export function writeActiveRuleSetId(ex: Executor, id: string, now: number): Promise<void> {
  return writeSetting(ex, ACTIVE_RULESET_KEY, id, now);
}
