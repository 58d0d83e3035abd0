// The SQL of boxes and their chain of custody: tubes packed, handed to transport, received by a lab.
import type { Executor, TestingBoxTable, TestingCustodyTable, Tx } from '../db/database.ts';
import { chunksOf, insertMany } from './testing.store.ts';

export async function boxById(ex: Executor, id: string): Promise<TestingBoxTable | undefined> {
  return ex.selectFrom('testing_box').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Stores a new box (a code already taken fails on the unique index: isUniqueViolation). */
export async function insertBox(ex: Executor, row: TestingBoxTable): Promise<void> {
  await ex.insertInto('testing_box').values(row).execute();
}

/** Packs closed tubes into the box: the tubes boxed, one custody row each, the box's count raised. */
export async function packTubesTx(
  trx: Tx,
  box: Pick<TestingBoxTable, 'id' | 'tube_count'>,
  tubeIds: readonly string[],
  custody: readonly TestingCustodyTable[],
): Promise<void> {
  for (const part of chunksOf(tubeIds)) {
    await trx
      .updateTable('testing_tube')
      .set({ box_id: box.id, status: 'boxed' })
      .where('id', 'in', part)
      .where('status', '=', 'closed')
      .execute();
  }
  await insertMany(trx, 'testing_custody', custody);
  await trx
    .updateTable('testing_box')
    .set({ tube_count: Number(box.tube_count) + tubeIds.length })
    .where('id', '=', box.id)
    .execute();
}

/** The box and its boxed tubes in transit, with the custody row of the hand-over. */
export async function handOverBoxTx(
  trx: Tx,
  boxId: string,
  handed: { at: number; byName: string; carrier: string },
  custody: TestingCustodyTable,
): Promise<void> {
  await trx
    .updateTable('testing_box')
    .set({ status: 'in_transit', handed_at: handed.at, handed_by_name: handed.byName, carrier: handed.carrier })
    .where('id', '=', boxId)
    .execute();
  await trx
    .updateTable('testing_tube')
    .set({ status: 'in_transit' })
    .where('box_id', '=', boxId)
    .where('status', '=', 'boxed')
    .execute();
  await trx.insertInto('testing_custody').values(custody).execute();
}

/** The box and its tubes in transit received by the lab, with the custody row of the receipt. */
export async function receiveBoxTx(
  trx: Tx,
  boxId: string,
  received: { at: number; byName: string; lab: string },
  custody: TestingCustodyTable,
): Promise<void> {
  await trx
    .updateTable('testing_box')
    .set({ status: 'received', received_at: received.at, received_by_name: received.byName, lab: received.lab })
    .where('id', '=', boxId)
    .execute();
  await trx
    .updateTable('testing_tube')
    .set({ status: 'received' })
    .where('box_id', '=', boxId)
    .where('status', '=', 'in_transit')
    .execute();
  await trx.insertInto('testing_custody').values(custody).execute();
}

/** A page of the round's boxes (of one status when given), newest first, and how many there are. */
export async function boxesOfRound(
  ex: Executor,
  roundId: string,
  status: string | undefined,
  paging: { limit: number; offset: number },
): Promise<{ rows: TestingBoxTable[]; total: number }> {
  let base = ex.selectFrom('testing_box').where('round_id', '=', roundId);
  if (status) base = base.where('status', '=', status);
  const rows = await base.selectAll().orderBy('created_at', 'desc').limit(paging.limit).offset(paging.offset).execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/** The barcodes of the box's tubes sampled under `path`, in order. */
export async function boxBarcodesWithin(ex: Executor, boxId: string, path: string): Promise<string[]> {
  const tubes = await ex
    .selectFrom('testing_tube')
    .select('barcode')
    .where('box_id', '=', boxId)
    .where('area_path', 'like', `${path}%`)
    .orderBy('barcode')
    .execute();
  return tubes.map((t) => t.barcode);
}

/** How many of the box's tubes were sampled outside `path`. */
export async function boxTubesOutside(ex: Executor, boxId: string, path: string): Promise<number> {
  const row = await ex
    .selectFrom('testing_tube')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('box_id', '=', boxId)
    .where('area_path', 'not like', `${path}%`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
