// The check-in writer on a full disk (SQLite's max_page_count on the writer's own connection, as the
// writer thread has one): every job of the batch fails with SQLITE_FULL carried beside the message —
// it crosses the thread boundary so the server answers STORAGE_FULL — and nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { connect, migrateToLatest } from '../../src/db/connect.ts';
import { CheckinWriter, configureWriterConnection, type WriteJob } from '../../src/venues/checkin.writer.ts';

test('a full disk: the batch fails whole with the SQLite code, nothing half-written, and the writer works again once there is room', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-full-'));
  const file = path.join(dir, 'cordon.db');
  const handle = connect({ sqlitePath: file });
  try {
    await migrateToLatest(handle);
    const now = 1_700_000_000_000;
    await handle.db
      .insertInto('area')
      .values({
        id: 'a1',
        code: '220400',
        name: '辽源市',
        level: 'city',
        parent_id: null,
        path: '220400/',
        created_at: now,
      })
      .execute();
    await handle.db
      .insertInto('person')
      .values({
        id: 'p1',
        name: '居民',
        area_id: 'a1',
        id_type: 'resident_id',
        created_at: now,
        updated_at: now,
      } as never)
      .execute();
    await handle.db
      .insertInto('venue')
      .values({
        id: 'v1',
        name: '便利店',
        category: 'supermarket',
        address: '',
        area_id: 'a1',
        capacity: 100000,
        operator_user_id: null,
        status: 'approved',
        approved_by: null,
        approved_at: null,
        code_version: 1,
        requires_presence: 0,
        dwell_minutes: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    handle.sqlite!.exec('create table filler (x blob)');

    const sqlite = new SQLite(file);
    configureWriterConnection(sqlite);
    const writer = new CheckinWriter(sqlite);
    const job = (i: number): WriteJob => ({
      venueId: 'v1',
      dwellMs: 30 * 60_000,
      capacity: 100000,
      sameScanSince: null,
      policy: { allowedColours: ['green'], testWithinHours: null, vaccinationRequired: false },
      facts: { colour: 'green', latestTest: null, vaccinated: null },
      row: {
        id: `c${i}`,
        venue_id: 'v1',
        person_id: 'p1',
        client_id: `client-${i}`,
        method: 'assisted',
        entered_at: now + i,
        exited_at: null,
        exit_kind: null,
        decision: 'refused',
        refusal_code: null,
        colour: 'green',
        reasons: null,
        test_sampled_at: null,
        test_result: null,
        vaccinated: null,
        created_at: now + i,
        scan_gap_ms: 0,
      },
    });
    // No page more than now, and every free byte taken.
    sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true }) as number}`);
    for (const size of [4000, 1000, 100, 10, 1]) {
      for (;;) {
        try {
          sqlite.prepare('insert into filler values (randomblob(?))').run(size);
        } catch {
          break;
        }
      }
    }
    let failed = null;
    let i = 0;
    for (; i < 200 && !failed; i += 10) {
      const outcomes = writer.writeBatch(Array.from({ length: 10 }, (_, k) => job(i + k)));
      if (outcomes.some((o) => !o.ok)) failed = { outcomes, first: i };
    }
    assert.ok(failed, 'the disk filled up');
    assert.ok(
      failed.outcomes.every((o) => !o.ok && o.cause === 'SQLITE_FULL'),
      JSON.stringify(failed.outcomes[0]),
    );
    const stored = sqlite
      .prepare(
        'select count(*) from checkin where id in (' +
          failed.outcomes.map((_, k) => `'c${failed.first + k}'`).join(',') +
          ')',
      )
      .pluck()
      .get();
    assert.equal(stored, 0, 'nothing of the failed batch was written');
    assert.equal(sqlite.inTransaction, false);

    sqlite.exec('delete from filler');
    const again = writer.writeBatch([job(10_000)]);
    assert.equal(again[0]!.ok, true, JSON.stringify(again[0]));
    sqlite.close();
  } finally {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
