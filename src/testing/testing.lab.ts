// Lab results: a CSV/XLSX file read as a stream (the roster readers), or a JSON list. Every row is checked
// first — unknown tube, other round, never sampled and closed, a different result already stored (the same
// result again is idempotent), result word, Ct range, test time — and any fault refuses the whole upload.
// Then the file is applied in two steps, positives first:
//   1. one transaction for the positive tubes — their results, positive pools detected and (when the
//      round says so) reported: members under in-place control, colours, re-test tasks, notifications
//      (the one-click report) — and re-tests settled; committed, and so visible to the command centre
//      and at the door, before a single negative is written (a pool's members are under control within
//      a second of the upload's start, not after the million negatives). Positive single tubes then
//      become cases (tracing runs in its own transaction);
//   2. one transaction for the negative tubes — results, every member recorded tested-negative at their
//      sampling time (set-based: INSERT … SELECT over the members, no per-person work), re-tests
//      settled (all negative → control lifted).
// "Commits whole or not at all" holds per step, and the upload as a whole is rolled forward, never left
// half-applied silently: every result is idempotent (the same tube with the same result again is a
// repeat, a no-op), so should step 2 fail after step 1 committed, the caller gets LAB_UPLOAD_PARTIAL
// (what was applied, what was not; an audit event testing.lab.partial records it) and uploading the same
// file again applies exactly the negatives that are missing — nothing twice. Without positives (or
// without negatives) there is one step, as before.
import type { Readable } from 'node:stream';
import { inScope, type Actor } from '../access/access.rules.ts';
import type { Tx } from '../db/database.ts';
import type { AuditActor } from '../platform/audit.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode, type Fault, type Lang } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { readRoster, type RosterFormat } from '../registry/roster.read.ts';
import { isUniqueViolation } from '../db/sql.ts';
import { registerCase } from '../tracing/tracing.service.ts';
import { basisOf, recordTubeResults, type TubeOutcome } from './testing.health.ts';
import { testingPolicy } from './testing.policy.ts';
import { newPool, reportPoolsTx, settlePools } from './testing.pools.ts';
import {
  ctInRange,
  isPooledTube,
  LAB_COLUMN_TITLES,
  mapLabHeader,
  missingCustody,
  parseCt,
  parseLabResult,
  parseTestTime,
  type LabColumn,
  type LabResult,
} from './testing.rules.ts';
import type { LabOutcome, LabResultInput } from './testing.schema.ts';
import { roundChanged } from './testing.service.ts';
import * as store from './testing.store.ts';
import * as labStore from './testing.lab.store.ts';
import * as poolStore from './testing.pools.store.ts';
import type { LabTube } from './testing.store.ts';

export const FAULT_CAP = 1000;

export interface LabRow {
  row: number;
  barcode: string;
  result: LabResult | null;
  ctN: number | null;
  ctOrf1ab: number | null;
  testedAt: number | null;
  faults: Fault[];
  /** Column titles (file) or field names (JSON) for faults. */
  columns: Record<LabColumn, string>;
}

export interface LabOptions {
  roundId?: string;
  dryRun?: boolean;
  fileName?: string | null;
  lang?: Lang;
  /** Called once every row is checked (the file received and valid), before anything is written. */
  afterCheck?: (info: { applied: number; positive: number }) => void | Promise<void>;
  /** Called (and awaited) once the positives' step has committed, before the negatives are written. */
  afterPositives?: (info: { uploadId: string; pools: number; negatives: number }) => void | Promise<void>;
}

/** What an upload had committed when it stopped (step 1 done, step 2 not). */
interface Progress {
  positivesCommitted: {
    uploadId: string;
    pools: LabOutcome['pools'];
    cases: LabOutcome['cases'];
    negatives: number;
  } | null;
}

const FIELD_COLUMNS: Record<LabColumn, string> = {
  barcode: 'barcode',
  result: 'result',
  ctN: 'ctN',
  ctOrf1ab: 'ctOrf1ab',
  testedAt: 'testedAt',
};

/** Rows of a JSON upload, checked like a file's. */
export function rowsFromJson(results: LabResultInput[]): LabRow[] {
  const range = testingPolicy().ct;
  return results.map((r, i) => {
    const row = i + 1;
    const faults: Fault[] = [];
    const result = parseLabResult(r.result);
    if (!result) faults.push({ row, column: 'result', code: 'LAB_RESULT_INVALID', params: { value: r.result } });
    for (const [col, v] of [
      ['ctN', r.ctN],
      ['ctOrf1ab', r.ctOrf1ab],
    ] as const) {
      if (!ctInRange(v, range))
        faults.push({
          row,
          column: col,
          code: 'LAB_CT_OUT_OF_RANGE',
          params: { value: String(v), min: range.min, max: range.max },
        });
    }
    return {
      row,
      barcode: r.barcode.trim(),
      result,
      ctN: r.ctN ?? null,
      ctOrf1ab: r.ctOrf1ab ?? null,
      testedAt: r.testedAt,
      faults,
      columns: FIELD_COLUMNS,
    };
  });
}

/** Reads a results file as a stream; a wrong header refuses it at row 1. */
export async function rowsFromFile(s: Services, input: Readable, format: RosterFormat, lang: Lang): Promise<LabRow[]> {
  const range = testingPolicy().ct;
  const rows: LabRow[] = [];
  let header: Extract<ReturnType<typeof mapLabHeader>, { ok: true }> | null = null;
  for await (const sheetRow of readRoster(input, format)) {
    if (!header) {
      const mapped = mapLabHeader(sheetRow.cells);
      if (!mapped.ok) {
        const missing = mapped.missing.map((c) => LAB_COLUMN_TITLES[c][lang]).join(', ') || '-';
        const unknown = mapped.unknown.join(', ') || '-';
        throw new AppError(
          'LAB_RESULTS_INVALID',
          { count: 1 },
          {
            faults: [{ row: sheetRow.row, code: 'LAB_HEADER_INVALID', params: { missing, unknown } }],
            extra: { totalErrors: 1, missing: mapped.missing, unknown: mapped.unknown },
          },
        );
      }
      header = mapped;
      continue;
    }
    const cells = sheetRow.cells;
    if (cells.every((c) => !c.trim())) continue;
    const cell = (c: LabColumn) => (cells[header!.index[c]] ?? '').trim();
    const row = sheetRow.row;
    const faults: Fault[] = [];
    const t = header.titles;
    const result = parseLabResult(cell('result'));
    if (!result) faults.push({ row, column: t.result, code: 'LAB_RESULT_INVALID', params: { value: cell('result') } });
    const cts: Record<'ctN' | 'ctOrf1ab', number | null> = { ctN: null, ctOrf1ab: null };
    for (const col of ['ctN', 'ctOrf1ab'] as const) {
      const parsed = parseCt(cell(col), range);
      if (parsed.ok) cts[col] = parsed.value;
      else
        faults.push({
          row,
          column: t[col],
          code: 'LAB_CT_OUT_OF_RANGE',
          params: { value: cell(col), min: range.min, max: range.max },
        });
    }
    const testedAt = parseTestTime(cell('testedAt'), s.config.timeZone);
    if (testedAt === null)
      faults.push({ row, column: t.testedAt, code: 'LAB_TIME_INVALID', params: { value: cell('testedAt') } });
    rows.push({
      row,
      barcode: cell('barcode'),
      result,
      ctN: cts.ctN,
      ctOrf1ab: cts.ctOrf1ab,
      testedAt,
      faults,
      columns: t,
    });
  }
  if (!header) {
    throw new AppError(
      'LAB_RESULTS_INVALID',
      { count: 1 },
      {
        faults: [
          {
            row: 1,
            code: 'LAB_HEADER_INVALID',
            params: {
              missing: Object.values(LAB_COLUMN_TITLES)
                .map((c) => c[lang])
                .join(', '),
              unknown: '-',
            },
          },
        ],
        extra: { totalErrors: 1 },
      },
    );
  }
  return rows;
}

/** The actor cases are registered with: the uploading user, acting for the testing task force city-wide. */
function caseActor(actor: Actor): Actor {
  return { ...actor, role: 'investigator', areaPath: '', via: 'token' };
}

/**
 * Checks and applies lab rows (file or JSON). The entry point of the lab-upload hot path: grouped reads,
 * multi-row inserts, batched health results. A concurrent upload of the same tubes that wins the race
 * makes this one check again (its rows are then repeats or conflicts).
 */
export async function applyLabResults(
  s: Services,
  actor: Actor,
  rows: LabRow[],
  options: LabOptions,
): Promise<LabOutcome> {
  const progress: Progress = { positivesCommitted: null };
  try {
    try {
      return await applyOnce(s, actor, rows, options, progress);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Checked again: what the first attempt committed (positives) is now a repeat of stored results.
      const first = progress.positivesCommitted;
      const again = await applyOnce(s, actor, rows, options, progress);
      if (first) {
        again.pools.unshift(...first.pools);
        again.cases.unshift(...first.cases);
      }
      return again;
    }
  } catch (err) {
    const done = progress.positivesCommitted;
    if (!done) throw err;
    // Step 1 committed, step 2 did not: say so (and record it), never a silent half.
    const cause = err instanceof AppError ? err.code : 'INTERNAL';
    if (!(err instanceof AppError))
      console.error('lab upload: the negatives failed after the positives committed', err);
    try {
      await s.db.transaction().execute((trx) =>
        s.audit(trx, auditActor(actor), {
          action: 'testing.lab.partial',
          objectType: 'testing_lab_upload',
          objectId: done.uploadId,
          detail: {
            file: options.fileName ?? null,
            roundId: options.roundId ?? null,
            pools: done.pools.map((p) => p.id),
            negativesNotApplied: done.negatives,
            cause,
          },
        }),
      );
    } catch {
      /* the error below still tells the caller */
    }
    throw new AppError(
      'LAB_UPLOAD_PARTIAL',
      { pools: done.pools.length, negatives: done.negatives },
      {
        extra: { uploadId: done.uploadId, pools: done.pools, negativesNotApplied: done.negatives, cause },
      },
    );
  }
}

async function applyOnce(
  s: Services,
  actor: Actor,
  rows: LabRow[],
  options: LabOptions,
  progress: Progress,
): Promise<LabOutcome> {
  assertCan(actor, 'testing.lab');
  if (!rows.length) throw new AppError('LAB_FILE_EMPTY');
  const now = s.clock.now();
  const faults: Fault[] = rows.flatMap((r) => r.faults);
  if (options.roundId && !(await store.roundById(s.db, options.roundId))) throw new AppError('ROUND_NOT_FOUND');

  // Every row against the stored tubes and their results (one grouped read per 20,000 barcodes).
  const tubes = new Map(
    (await store.labTubes(s.db, s.dialect, rows.map((r) => r.barcode).filter(Boolean))).map((t) => [t.barcode, t]),
  );
  const firstInFile = new Map<string, LabRow>();
  const fresh: Array<{ row: LabRow; tube: LabTube }> = [];
  let repeated = 0;
  for (const r of rows) {
    if (r.faults.length) continue;
    const fault = (code: ErrorCode, column: LabColumn, params: Record<string, string | number> = {}) =>
      faults.push({ row: r.row, column: r.columns[column], code, params: { barcode: r.barcode, ...params } });
    const tube = tubes.get(r.barcode);
    if (!tube) {
      fault('LAB_TUBE_UNKNOWN', 'barcode');
      continue;
    }
    if (options.roundId && tube.round_id !== options.roundId) {
      fault('LAB_TUBE_OTHER_ROUND', 'barcode');
      continue;
    }
    if (!inScope(actor.areaPath, tube.area_path)) {
      fault('OUT_OF_SCOPE', 'barcode');
      continue;
    }
    if (tube.status === 'open' || tube.closed_at === null || Number(tube.member_count) === 0) {
      fault('LAB_TUBE_NOT_SAMPLED', 'barcode');
      continue;
    }
    if (r.testedAt! < Number(tube.closed_at) || r.testedAt! > now + 5 * 60_000) {
      fault('LAB_TIME_INVALID', 'testedAt', { value: new Date(r.testedAt!).toISOString() });
      continue;
    }
    const prior = tube.stored_result;
    if (prior) {
      if (prior !== r.result) fault('LAB_RESULT_CONFLICT', 'result', { existing: prior });
      else repeated++;
      continue;
    }
    const earlier = firstInFile.get(r.barcode);
    if (earlier) {
      if (earlier.result !== r.result) fault('LAB_RESULT_CONFLICT', 'result', { existing: earlier.result! });
      else repeated++;
      continue;
    }
    firstInFile.set(r.barcode, r);
    fresh.push({ row: r, tube });
  }
  if (faults.length) {
    faults.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    throw new AppError(
      'LAB_RESULTS_INVALID',
      { count: faults.length },
      { faults: faults.slice(0, FAULT_CAP), extra: { totalErrors: faults.length, rows: rows.length } },
    );
  }

  const negative = fresh.filter((f) => f.row.result === 'negative').length;
  const outcome: LabOutcome = {
    uploadId: null,
    dryRun: !!options.dryRun,
    rows: rows.length,
    applied: fresh.length,
    repeated,
    negative,
    positive: fresh.length - negative,
    people: 0,
    pools: [],
    retests: { negative: 0, positive: 0 },
    released: [],
    cases: [],
    // Results are never refused for a missing custody step (a lab at night must not lose them): accepted, flagged on the tube.
    custodyGaps: fresh
      .filter((f) => f.tube.status !== 'received')
      .map((f) => ({ barcode: f.tube.barcode, missing: missingCustody(f.tube.status) })),
  };
  if (options.dryRun) return outcome;
  await options.afterCheck?.({ applied: outcome.applied, positive: outcome.positive });

  const positives = fresh.filter((f) => f.row.result === 'positive');
  const negatives = fresh.filter((f) => f.row.result === 'negative');
  const uploadId = newId(now);
  outcome.uploadId = uploadId;
  const audit = auditActor(actor);
  const basis = { actor: audit, ...basisOf('lab_results', { file: options.fileName ?? uploadId }) };
  const upload = {
    id: uploadId,
    round_id: options.roundId ?? null,
    file_name: options.fileName ?? null,
    rows: rows.length,
    negative,
    positive: outcome.positive,
    uploaded_by: actor.userId,
    uploaded_by_name: actor.displayName,
    at: now,
  };
  const summary = (extra: Record<string, unknown>) => ({
    file: options.fileName ?? null,
    roundId: options.roundId ?? null,
    rows: rows.length,
    applied: fresh.length,
    repeated,
    negative,
    positive: outcome.positive,
    custodyGaps: outcome.custodyGaps.slice(0, 1000),
    ...extra,
  });
  const rounds = new Set(fresh.map((f) => f.tube.round_id));
  const caseFound: string[] = [];
  const caseQueue: Array<{ personId: string; sampledAt: number; taskId: string | null }> = [];

  // Step 1 — the positives, committed on their own before any negative: results, single positives'
  // test results, pools detected and (when the round says so) reported with their members under
  // in-place control, re-test tasks settled. Visible to everyone the moment it commits.
  if (positives.length) {
    await s.db.transaction().execute(async (trx) => {
      await labStore.insertUpload(trx, upload);
      await storeResults(s, trx, positives, uploadId, now);
      const singles = positives.filter((f) => !isPooledTube(f.tube.mode, Number(f.tube.member_count)));
      await recordTubeResults(s, trx, singles.map(tubeOutcome), now, basis);
      for (const m of await store.membersOfTubes(
        trx,
        singles.map((f) => f.tube.id),
      )) {
        const f = singles.find((x) => x.tube.id === m.tube_id)!;
        caseQueue.push({ personId: m.person_id, sampledAt: Number(m.sampled_at), taskId: f.tube.task_id });
      }
      // Positive pools: suspected, never a case; reported at once when the round says so.
      const poolTubes = positives.filter((f) => isPooledTube(f.tube.mode, Number(f.tube.member_count)));
      if (poolTubes.length) {
        const pools = poolTubes.map((f) => newPool(f.tube, now));
        await poolStore.insertPools(trx, pools);
        const autoRounds = await store.autoReportingRounds(trx, [...new Set(pools.map((p) => p.round_id))]);
        await reportPoolsTx(
          s,
          trx,
          audit,
          actor.displayName,
          pools.filter((p) => autoRounds.has(p.round_id)),
          'reported automatically on upload',
        );
        for (const [i, pool] of pools.entries()) {
          outcome.pools.push({
            id: pool.id,
            barcode: poolTubes[i]!.tube.barcode,
            members: pool.members,
            reported: autoRounds.has(pool.round_id),
          });
        }
      }
      const settled = await settleTasks(s, trx, positives, now, audit, outcome);
      caseFound.push(...settled.caseFound);
      const detail = summary({
        uploadId,
        pools: outcome.pools.map((p) => p.id),
        released: settled.released,
        caseFound: settled.caseFound,
        singlePositives: caseQueue.length,
      });
      if (negatives.length) {
        await s.audit(trx, audit, {
          action: 'testing.lab.positives',
          objectType: 'testing_lab_upload',
          objectId: uploadId,
          detail: { ...detail, negativesToFollow: negatives.length },
        });
      } else {
        await s.audit(trx, audit, {
          action: 'testing.lab.results',
          objectType: 'testing_lab_upload',
          objectId: uploadId,
          detail,
        });
      }
    });
    progress.positivesCommitted = {
      uploadId,
      pools: [...outcome.pools],
      cases: outcome.cases,
      negatives: negatives.length,
    };
    for (const p of outcome.pools)
      roundChanged(s, roundOfPool(positives, p.id), 'pool', {
        poolId: p.id,
        status: p.reported ? 'reported' : 'detected',
      });
    for (const r of new Set(positives.map((f) => f.tube.round_id))) roundChanged(s, r, 'summary');
    await options.afterPositives?.({ uploadId, pools: outcome.pools.length, negatives: negatives.length });
    // Cases right after the positives commit (each traces in its own transaction), before the negatives:
    // a failure of the negatives never leaves a committed single positive without its case.
    await registerCases(s, actor, caseQueue, outcome);
  }

  // Step 2 — the negatives: results, every member tested negative at their sampling time (set-based,
  // INSERT … SELECT over the members), re-tests settled (all negative → control lifted).
  if (negatives.length || !positives.length) {
    await s.db.transaction().execute(async (trx) => {
      if (!positives.length) await labStore.insertUpload(trx, upload);
      await storeResults(s, trx, negatives, uploadId, now);
      outcome.people = await recordTubeResults(s, trx, negatives.map(tubeOutcome), now, basis);
      const settled = await settleTasks(s, trx, negatives, now, audit, outcome);
      outcome.released = settled.released;
      await s.audit(trx, audit, {
        action: 'testing.lab.results',
        objectType: 'testing_lab_upload',
        objectId: uploadId,
        detail: summary({
          pools: outcome.pools.map((p) => p.id),
          released: settled.released,
          caseFound: [...caseFound, ...settled.caseFound],
          singlePositives: caseQueue.length,
        }),
      });
    });
  }
  for (const r of rounds) roundChanged(s, r, 'summary');
  return outcome;
}

/** The round of a pool of this upload (pool ids are pool_<tube id>). */
function roundOfPool(positives: ReadonlyArray<{ tube: LabTube }>, poolId: string): string {
  return positives.find((f) => `pool_${f.tube.id}` === poolId)!.tube.round_id;
}

function tubeOutcome(f: { row: LabRow; tube: LabTube }): TubeOutcome {
  return { tube: f.tube, result: f.row.result!, ctN: f.row.ctN, ctOrf1ab: f.row.ctOrf1ab };
}

/** Results rows and tube statuses (set-based: one statement per slice). */
async function storeResults(
  s: Services,
  trx: Tx,
  fresh: ReadonlyArray<{ row: LabRow; tube: LabTube }>,
  uploadId: string,
  now: number,
): Promise<void> {
  if (!fresh.length) return;
  await store.insertResults(
    trx,
    s.dialect,
    fresh.map(({ row, tube }) => ({
      tube_id: tube.id,
      round_id: tube.round_id,
      result: row.result!,
      ct_n: row.ctN,
      ct_orf1ab: row.ctOrf1ab,
      tested_at: row.testedAt!,
      resulted_at: now,
      upload_id: uploadId,
    })),
  );
  await store.markResulted(
    trx,
    s.dialect,
    fresh.map((f) => f.tube.id),
  );
}

/** Re-test and home-sampling tubes settle their tasks; re-tests settle their pools. */
async function settleTasks(
  s: Services,
  trx: Tx,
  fresh: ReadonlyArray<{ row: LabRow; tube: LabTube }>,
  now: number,
  audit: AuditActor,
  outcome: LabOutcome,
): Promise<{ released: string[]; caseFound: string[] }> {
  const taskTubes = fresh.filter((f) => f.tube.task_id);
  if (!taskTubes.length) return { released: [], caseFound: [] };
  const touchedPools = new Set<string>();
  const tasks = new Map(
    (
      await poolStore.tasksByIds(
        trx,
        taskTubes.map((f) => f.tube.task_id!),
      )
    ).map((t) => [t.id, t]),
  );
  for (const f of taskTubes) {
    const task = tasks.get(f.tube.task_id!);
    if (!task) continue;
    await poolStore.setTaskResult(trx, task.id, f.row.result!, now);
    if (task.kind === 'retest') outcome.retests[f.row.result!]++;
    if (task.pool_id) touchedPools.add(task.pool_id);
  }
  return settlePools(s, trx, [...touchedPools], audit);
}

/** Single positive tubes become cases (registering one traces it in its own transaction). */
async function registerCases(
  s: Services,
  actor: Actor,
  queue: ReadonlyArray<{ personId: string; sampledAt: number; taskId: string | null }>,
  outcome: LabOutcome,
): Promise<void> {
  for (const c of queue) {
    let caseId: string | null = null;
    let error: string | null = null;
    try {
      const detail = await registerCase(s, caseActor(actor), {
        personId: c.personId,
        classification: testingPolicy().positiveSingleClassification,
        source: 'testing_round',
        firstPositiveSampledAt: c.sampledAt,
      });
      caseId = detail.case.id;
    } catch (err) {
      error = err instanceof AppError ? err.code : 'INTERNAL';
      if (err instanceof AppError && err.code === 'CASE_ALREADY_OPEN')
        caseId = (err.extra.existing as { id?: string } | undefined)?.id ?? null;
    }
    if (c.taskId) await poolStore.setTaskCase(s.db, c.taskId, caseId, error, s.clock.now());
    outcome.cases.push({ personId: c.personId, caseId, error });
  }
}

export async function uploadLabFile(
  s: Services,
  actor: Actor,
  input: Readable,
  format: RosterFormat,
  options: LabOptions,
): Promise<LabOutcome> {
  assertCan(actor, 'testing.lab');
  const rows = await rowsFromFile(s, input, format, options.lang ?? 'zh');
  return applyLabResults(s, actor, rows, options);
}

export async function listUploads(
  s: Services,
  actor: Actor,
  roundId: string | undefined,
  paging: { limit: number; offset: number },
) {
  assertCan(actor, 'testing.view');
  const { rows, total } = await labStore.uploadsOf(s.db, roundId, paging);
  return {
    items: rows.map((r) => ({
      id: r.id,
      roundId: r.round_id,
      fileName: r.file_name,
      rows: r.rows,
      negative: r.negative,
      positive: r.positive,
      uploadedBy: r.uploaded_by_name,
      at: Number(r.at),
    })),
    total,
    ...paging,
  };
}
