// What the testing-round HTTP suites share: valid ID numbers by number, extra areas beside the test
// city, an inject-based caller for /api/v1, and filling a tube through the sampler's endpoints.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/platform/http.ts';
import { rid } from './ids.ts';
import type { SignedIn, TestServices } from './services.ts';

/** A valid resident ID number (GB 11643) for the n-th test person. */
export function idNumber(n: number): string {
  return rid(`22040219800101${String(n).padStart(3, '0')}`);
}

/** Adds areas (code, name, level, parent code) under the test city and records their ids in `areas`. */
export async function addAreas(
  s: TestServices,
  areas: Record<string, string>,
  rows: ReadonlyArray<readonly [string, string, string, string]>,
): Promise<void> {
  for (const [code, name, level, parent] of rows) {
    const up = await s.db
      .selectFrom('area')
      .select(['id', 'path'])
      .where('code', '=', parent)
      .executeTakeFirstOrThrow();
    areas[code] = `a_${code}`;
    await s.db
      .insertInto('area')
      .values({
        id: `a_${code}`,
        code,
        name,
        level,
        parent_id: up.id,
        path: `${up.path}${code}/`,
        created_at: s.clock.now(),
      })
      .execute();
  }
}

export type Caller = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  who?: SignedIn | { headers: Record<string, string> },
  payload?: unknown,
) => Promise<LightMyRequestResponse>;

/** Calls /api/v1 through app.inject as `who` (signed out when absent). */
export function callerOf(app: App): Caller {
  return (method, url, who, payload) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
}

/** Opens a tube at the table, adds the people one by one and closes it, each step answered 2xx; the closed tube. */
export async function fillTube(
  call: Caller,
  sampler: SignedIn,
  roundId: string,
  tableId: string,
  barcode: string,
  people: readonly string[],
  mode?: 'single',
): Promise<{ id: string; mode: string; [field: string]: unknown }> {
  const open = await call('POST', '/testing/tubes', sampler, { roundId, tableId, barcode, ...(mode ? { mode } : {}) });
  assert.equal(open.statusCode, 201, open.body);
  for (const personId of people) {
    const add = await call('POST', `/testing/tubes/${open.json().id}/members`, sampler, { personId });
    assert.equal(add.statusCode, 200, add.body);
  }
  const close = await call('POST', `/testing/tubes/${open.json().id}/close`, sampler, {});
  assert.equal(close.statusCode, 200, close.body);
  return close.json();
}
