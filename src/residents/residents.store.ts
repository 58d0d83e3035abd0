// The only SQL of resident accounts: the person an account belongs to, that person's household, and the
// one-time code challenges.
import type { Executor, PersonTable, ResidentChallengeTable } from '../db/database.ts';

export type ResidentPerson = Pick<PersonTable, 'id' | 'name' | 'household_id' | 'area_id' | 'birth_date' | 'relation' | 'no_smartphone'>;

const PERSON_COLUMNS = ['id', 'name', 'household_id', 'area_id', 'birth_date', 'relation', 'no_smartphone'] as const;

/** The person linked to a user account (null for staff accounts). */
export async function personIdOfUser(ex: Executor, userId: string): Promise<string | null> {
  const row = await ex.selectFrom('app_user').select('person_id').where('id', '=', userId).executeTakeFirst();
  return row?.person_id ?? null;
}

export async function accountOfPerson(ex: Executor, personId: string): Promise<string | null> {
  const row = await ex.selectFrom('app_user').select('id').where('person_id', '=', personId).executeTakeFirst();
  return row?.id ?? null;
}

export async function residentPerson(ex: Executor, personId: string): Promise<ResidentPerson | undefined> {
  return ex.selectFrom('person').select(PERSON_COLUMNS).where('id', '=', personId).executeTakeFirst();
}

/** Everyone else in the household, oldest record first. */
export async function householdMembers(ex: Executor, householdId: string, exceptPersonId: string): Promise<ResidentPerson[]> {
  return ex.selectFrom('person').select(PERSON_COLUMNS).where('household_id', '=', householdId).where('id', '!=', exceptPersonId)
    .orderBy('created_at').orderBy('id').execute();
}

// ---- one-time code challenges ------------------------------------------------------------------

export async function insertChallenge(ex: Executor, row: ResidentChallengeTable): Promise<void> {
  await ex.insertInto('resident_challenge').values(row).execute();
}

/** One challenge, locked for update on PostgreSQL so concurrent guesses all count. */
export async function challengeById(ex: Executor, id: string, forUpdate: boolean): Promise<ResidentChallengeTable | undefined> {
  return ex.selectFrom('resident_challenge').selectAll().where('id', '=', id)
    .$if(forUpdate, (q) => q.forUpdate()).executeTakeFirst();
}

export async function countWrongCode(ex: Executor, id: string): Promise<number> {
  const row = await ex.updateTable('resident_challenge').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id).returning('attempts').executeTakeFirst();
  return Number(row?.attempts ?? 0);
}

export async function closeChallenge(ex: Executor, id: string, now: number): Promise<void> {
  await ex.updateTable('resident_challenge').set({ closed_at: now }).where('id', '=', id).where('closed_at', 'is', null).execute();
}

/** Codes asked for since `since` for the subject, the phone and the address (the send limits). */
export async function challengeCounts(ex: Executor, keys: { subject: string; phoneHmac: string; source: string | null }, since: number): Promise<{ subject: number; phone: number; source: number }> {
  const n = async (column: 'subject' | 'phone_hmac' | 'source', value: string | null) => {
    if (value === null) return 0;
    const row = await ex.selectFrom('resident_challenge').select((eb) => eb.fn.countAll().as('n'))
      .where(column, '=', value).where('created_at', '>=', since).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return { subject: await n('subject', keys.subject), phone: await n('phone_hmac', keys.phoneHmac), source: await n('source', keys.source) };
}

/** Deletes challenges created before `before`; returns how many. */
export async function purgeChallenges(ex: Executor, before: number): Promise<number> {
  const r = await ex.deleteFrom('resident_challenge').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The registry phone digest of a person (compared, never decrypted). */
export async function personPhoneHmac(ex: Executor, personId: string): Promise<string | null> {
  const row = await ex.selectFrom('person').select('phone_hmac').where('id', '=', personId).executeTakeFirst();
  return row?.phone_hmac ?? null;
}

/** A person with the registry's sealed phone, for opening their account. */
export async function personForAccount(ex: Executor, personId: string): Promise<Pick<PersonTable, 'id' | 'name' | 'area_id' | 'phone_enc'> | undefined> {
  return ex.selectFrom('person').select(['id', 'name', 'area_id', 'phone_enc']).where('id', '=', personId).executeTakeFirst();
}

/**
 * A household head in an area subtree with a phone in the registry and no account yet (the demo
 * resident of a first start): the first by id, so the same city gives the same person.
 */
export async function headWithPhoneIn(ex: Executor, areaPath: string): Promise<string | null> {
  const row = await ex.selectFrom('person').innerJoin('area', 'area.id', 'person.area_id')
    .leftJoin('app_user', 'app_user.person_id', 'person.id')
    .select('person.id').where('area.path', 'like', `${areaPath}%`).where('person.phone_hmac', 'is not', null)
    .where('person.relation', '=', '本人').where('app_user.id', 'is', null)
    .orderBy('person.id').limit(1).executeTakeFirst();
  return row?.id ?? null;
}
