// The checkpoint thread of a SQLite file: while it runs, the server's connections leave checkpoints to
// it (wal_autocheckpoint = 0) and it copies committed pages back into the database file within its
// interval; once it stops, the connection checkpoints by itself again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { connect } from '../../src/db/connect.ts';
import { startCheckpointer } from '../../src/db/checkpointer.ts';

/** Rows of `table` in the database file alone, as if the WAL were lost: what a checkpoint copied back. */
function rowsInMainFile(dir: string, file: string, table: string): number {
  const copy = path.join(dir, 'copy.db');
  fs.copyFileSync(file, copy);
  try {
    const db = new SQLite(copy, { readonly: true });
    try {
      const exists = db.prepare('select count(*) from sqlite_master where name = ?').pluck().get(table) as number;
      return exists ? db.prepare(`select count(*) from ${table}`).pluck().get() as number : 0;
    } finally {
      db.close();
    }
  } catch {
    return -1; // copied while the checkpoint was writing it: look again
  } finally {
    fs.rmSync(copy, { force: true });
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

test('the checkpoint thread copies the WAL back within its interval; the connection checkpoints again once it stops', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-checkpoint-'));
  const file = path.join(dir, 'cordon.db');
  const handle = connect({ sqlitePath: file });
  try {
    const sqlite = handle.sqlite!;
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 1000);
    startCheckpointer(handle, 50);
    startCheckpointer(handle, 50); // once per handle
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);

    sqlite.exec('create table t (id integer primary key, v text)');
    const insert = sqlite.prepare('insert into t (v) values (?)');
    sqlite.transaction(() => { for (let i = 0; i < 5_000; i++) insert.run('x'.repeat(200)); })();
    // The commit itself copied nothing back: the database file alone does not hold the rows yet…
    assert.equal(rowsInMainFile(dir, file, 't'), 0);
    // …the thread does, within its interval.
    assert.ok(await until(() => rowsInMainFile(dir, file, 't') === 5_000, 5_000), 'the checkpoint thread copied the rows back');
  } finally {
    await handle.close();
  }
  // Stopped with the handle: a new connection checkpoints by itself.
  const again = connect({ sqlitePath: file });
  try {
    assert.equal(again.sqlite!.pragma('wal_autocheckpoint', { simple: true }), 1000);
    assert.equal(again.sqlite!.prepare('select count(*) from t').pluck().get(), 5_000);
  } finally {
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('when the checkpoint thread stops on its own, the connection checkpoints by itself again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-checkpoint-'));
  const handle = connect({ sqlitePath: path.join(dir, 'cordon.db') });
  try {
    const thread = startCheckpointer(handle, 50)!;
    assert.equal(handle.sqlite!.pragma('wal_autocheckpoint', { simple: true }), 0);
    await thread.terminate();
    assert.ok(await until(() => handle.sqlite!.pragma('wal_autocheckpoint', { simple: true }) === 1000, 2_000));
  } finally {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
