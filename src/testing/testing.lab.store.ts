// The SQL of lab uploads: one row per file applied, listed by round.
import type { Executor, TestingLabUploadTable } from '../db/database.ts';

export async function insertUpload(ex: Executor, row: TestingLabUploadTable): Promise<void> {
  await ex.insertInto('testing_lab_upload').values(row).execute();
}

/** A page of the uploads (of a round when given), latest first, and how many there are. */
export async function uploadsOf(
  ex: Executor,
  roundId: string | undefined,
  paging: { limit: number; offset: number },
): Promise<{ rows: TestingLabUploadTable[]; total: number }> {
  let base = ex.selectFrom('testing_lab_upload');
  if (roundId) base = base.where('round_id', '=', roundId);
  const rows = await base.selectAll().orderBy('at', 'desc').limit(paging.limit).offset(paging.offset).execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}
