// The only SQL of resident accounts: the person an account belongs to and that person's household.
import type { Executor, PersonTable } from '../db/database.ts';

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
