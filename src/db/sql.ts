// SQL helpers every domain's store shares. They build no domain's queries: each table still has one
// owning store (docs/ARCHITECTURE.md); these only split, classify, carry rows as one JSON parameter and
// read the shared area tree.
import { sql, type RawBuilder } from 'kysely';
import type { Dialect, Executor } from './database.js';

/** Parameters per statement when a list is sent in `in (…)` batches (SQLite allows 32,766; stay far below). */
export const CHUNK = 400;

/** The list cut into pieces of at most `size` items, in order. */
export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** True when a write failed on a unique index (SQLite or PostgreSQL), e.g. a concurrent duplicate. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** An area of the administrative tree as every domain reads it. The registry alone writes areas. */
export interface AreaRef {
  id: string;
  code: string;
  name: string;
  /** city | district | street | community | grid */
  level: string;
  parent_id: string | null;
  /** Materialised path of codes; a subtree is a prefix. */
  path: string;
}

const AREA_REF = ['id', 'code', 'name', 'level', 'parent_id', 'path'] as const;

export async function areaById(ex: Executor, id: string): Promise<AreaRef | undefined> {
  return ex.selectFrom('area').select(AREA_REF).where('id', '=', id).executeTakeFirst();
}

export async function areaByCode(ex: Executor, code: string): Promise<AreaRef | undefined> {
  return ex.selectFrom('area').select(AREA_REF).where('code', '=', code).executeTakeFirst();
}

export async function areasByIds(ex: Executor, ids: readonly string[]): Promise<AreaRef[]> {
  const out: AreaRef[] = [];
  for (const part of chunks([...new Set(ids)])) {
    out.push(...(await ex.selectFrom('area').select(AREA_REF).where('id', 'in', part).execute()));
  }
  return out;
}

/** The rows with their area's name (from `area_id`), read after the rows themselves in one lookup per chunk. */
export async function withAreaNames<T extends { area_id: string }>(
  ex: Executor,
  rows: readonly T[],
): Promise<Array<T & { area_name: string }>> {
  const names = new Map(
    (
      await areasByIds(
        ex,
        rows.map((r) => r.area_id),
      )
    ).map((a) => [a.id, a.name]),
  );
  return rows.map((r) => ({ ...r, area_name: names.get(r.area_id) ?? '' }));
}

/** Areas whose code is in the list (an area path's ancestors, for names). */
export async function areasByCodes(ex: Executor, codes: readonly string[]): Promise<AreaRef[]> {
  const out: AreaRef[] = [];
  for (const part of chunks([...new Set(codes)])) {
    out.push(...(await ex.selectFrom('area').select(AREA_REF).where('code', 'in', part).execute()));
  }
  return out;
}

/** Areas whose path is in the list. */
export async function areasByPaths(ex: Executor, paths: readonly string[]): Promise<AreaRef[]> {
  const out: AreaRef[] = [];
  for (const part of chunks([...new Set(paths)])) {
    out.push(...(await ex.selectFrom('area').select(AREA_REF).where('path', 'in', part).execute()));
  }
  return out;
}

/** The area at `path` and every area below it, by path; only the given levels when named. */
export async function areasUnder(ex: Executor, path: string, levels?: readonly string[]): Promise<AreaRef[]> {
  let q = ex.selectFrom('area').select(AREA_REF).where('path', 'like', `${path}%`);
  if (levels) q = q.where('level', 'in', [...levels]);
  return q.orderBy('path').execute();
}

/** The root of the tree (the area without a parent; the first by path if there are several). */
export async function rootArea(ex: Executor): Promise<AreaRef | undefined> {
  return ex.selectFrom('area').select(AREA_REF).where('parent_id', 'is', null).orderBy('path').executeTakeFirst();
}

/** The children of an area (or the top areas) at the given levels, in code order: pickers walk the tree a level at a time. */
export async function areaChildren(
  ex: Executor,
  levels: readonly string[],
  parentId: string | null,
): Promise<Array<{ id: string; name: string; level: string }>> {
  let q = ex
    .selectFrom('area')
    .select(['id', 'name', 'level'])
    .where('level', 'in', [...levels]);
  q = parentId ? q.where('parent_id', '=', parentId) : q.where('parent_id', 'is', null);
  return q.orderBy('code').execute();
}

// ---- rows as one JSON parameter ------------------------------------------------------------------

/** Rows per statement when rows travel as one JSON parameter: the text of a slice stays a few megabytes. */
export const JSON_SLICE = 20_000;

/** The elements of a JSON array parameter as rows `j(value)`, in either dialect. */
export function jsonRows(dialect: Dialect, data: string): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`json_array_elements(${data}::json) as j(value)` : sql`json_each(${data}) as j`;
}

/**
 * A list of ids (or other strings) as one JSON parameter, for `.where(x, 'in', jsonIdList(…))`: one statement and one
 * parameter however long the list (no slices of `CHUNK`), and one prepared statement whatever its length.
 */
export function jsonIdList(dialect: Dialect, ids: readonly string[]): RawBuilder<string> {
  const data = JSON.stringify(ids);
  return dialect === 'postgres'
    ? sql<string>`(select value from json_array_elements_text(${data}::json) as j(value))`
    : sql<string>`(select value from json_each(${data}))`;
}

/** How a column's JSON value becomes its SQL type on PostgreSQL (SQLite takes JSON numbers as they are). */
export type JsonCast = 'text' | 'bigint' | 'integer' | 'double precision';

/**
 * Inserts rows as one INSERT … SELECT over a JSON array parameter per slice of `JSON_SLICE`: one
 * statement (and one prepared statement on SQLite) for a batch instead of a multi-row VALUES list of a
 * few dozen rows each. With `onConflict` (the unique columns), rows that clash are left out, and the
 * `returning` column of the rows written comes back.
 */
export async function insertJsonRows<T extends object>(
  ex: Executor,
  dialect: Dialect,
  table: string,
  columns: ReadonlyArray<readonly [keyof T & string, JsonCast]>,
  rows: readonly T[],
  options: { onConflict?: readonly string[]; returning?: string } = {},
): Promise<string[]> {
  const names = sql.raw(columns.map(([c]) => c).join(', '));
  const values = sql.raw(
    columns
      .map(([, cast], i) =>
        dialect === 'postgres' && cast !== 'text' ? `(j.value->>${i})::${cast}` : `j.value->>${i}`,
      )
      .join(', '),
  );
  const conflict = options.onConflict
    ? sql.raw(` where true on conflict (${options.onConflict.join(', ')}) do nothing`)
    : sql.raw('');
  const returning = options.returning ? sql.raw(` returning ${options.returning}`) : sql.raw('');
  const out: string[] = [];
  for (const part of chunks(rows, JSON_SLICE)) {
    const data = JSON.stringify(part.map((r) => columns.map(([c]) => (r as Record<string, unknown>)[c] ?? null)));
    const res = await sql<
      Record<string, string>
    >`insert into ${sql.table(table)} (${names}) select ${values} from ${jsonRows(dialect, data)}${conflict}${returning}`.execute(
      ex,
    );
    if (options.returning) for (const r of res.rows) out.push(r[options.returning]!);
  }
  return out;
}
