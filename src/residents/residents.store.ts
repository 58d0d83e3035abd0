// The only SQL of resident accounts: the one-time code challenges. The person an account belongs to
// and that person's household are asked of the registry's store, the account of the access store.
import type { Executor, ResidentChallengeTable } from '../db/database.ts';

// ---- one-time code challenges ------------------------------------------------------------------

export async function insertChallenge(ex: Executor, row: ResidentChallengeTable): Promise<void> {
  await ex.insertInto('resident_challenge').values(row).execute();
}

/** One challenge, locked for update on PostgreSQL so concurrent guesses all count. */
export async function challengeById(
  ex: Executor,
  id: string,
  forUpdate: boolean,
): Promise<ResidentChallengeTable | undefined> {
  return ex
    .selectFrom('resident_challenge')
    .selectAll()
    .where('id', '=', id)
    .$if(forUpdate, (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function countWrongCode(ex: Executor, id: string): Promise<number> {
  const row = await ex
    .updateTable('resident_challenge')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirst();
  return Number(row?.attempts ?? 0);
}

export async function closeChallenge(ex: Executor, id: string, now: number): Promise<void> {
  await ex
    .updateTable('resident_challenge')
    .set({ closed_at: now })
    .where('id', '=', id)
    .where('closed_at', 'is', null)
    .execute();
}

/** Codes asked for since `since` for the subject, the phone and the address (the send limits). */
export async function challengeCounts(
  ex: Executor,
  keys: { subject: string; phoneHmac: string; source: string | null },
  since: number,
): Promise<{ subject: number; phone: number; source: number }> {
  const n = async (column: 'subject' | 'phone_hmac' | 'source', value: string | null) => {
    if (value === null) return 0;
    const row = await ex
      .selectFrom('resident_challenge')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(column, '=', value)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    subject: await n('subject', keys.subject),
    phone: await n('phone_hmac', keys.phoneHmac),
    source: await n('source', keys.source),
  };
}

/** Deletes challenges created before `before`; returns how many. */
export async function purgeChallenges(ex: Executor, before: number): Promise<number> {
  const r = await ex.deleteFrom('resident_challenge').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * A household head in an area subtree with a phone in the registry and no account yet (the demo
 * resident of a first start): the first by id, so the same city gives the same person.
 */
export async function headWithPhoneIn(ex: Executor, areaPath: string): Promise<string | null> {
  const row = await ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .leftJoin('app_user', 'app_user.person_id', 'person.id')
    .select('person.id')
    .where('area.path', 'like', `${areaPath}%`)
    .where('person.phone_hmac', 'is not', null)
    .where('person.relation', '=', '本人')
    .where('app_user.id', 'is', null)
    .orderBy('person.id')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
