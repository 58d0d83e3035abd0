// The SQL of rule sets: the deployment's choice lives in the setting table under one key.
import type { Executor } from '../db/database.ts';

export const ACTIVE_RULESET_KEY = 'ruleset.active';

export async function readActiveRuleSetId(ex: Executor): Promise<string | null> {
  const row = await ex.selectFrom('setting').select('value').where('key', '=', ACTIVE_RULESET_KEY).executeTakeFirst();
  return row?.value ?? null;
}

export async function writeActiveRuleSetId(ex: Executor, id: string, now: number): Promise<void> {
  await ex
    .insertInto('setting')
    .values({ key: ACTIVE_RULESET_KEY, value: id, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: id, updated_at: now }))
    .execute();
}
