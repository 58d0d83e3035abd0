// The checkpoint thread of a SQLite file: while it runs, the server's connections leave checkpoints to
// it (wal_autocheckpoint = 0) and it copies committed pages back into the database file within its
// interval; once it stops, the connection checkpoints by itself again. A connection that writes without
// pause finishes the thread's checkpoints (WalRestarts), so that the WAL starts again from its
// beginning instead of growing for as long as the writes go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { connect } from '../../src/db/connect.ts';
import {
  checkpointCounter,
  leaveCheckpointsToThread,
  startCheckpointer,
  WalRestarts,
} from '../../src/db/checkpointer.ts';

/** Rows of `table` in the database file alone, as if the WAL were lost: what a checkpoint copied back. */
function rowsInMainFile(dir: string, file: string, table: string): number {
  const copy = path.join(dir, 'copy.db');
  fs.copyFileSync(file, copy);
  try {
    const db = new SQLite(copy, { readonly: true });
    try {
      const exists = db.prepare('select count(*) from sqlite_master where name = ?').pluck().get(table) as number;
      return exists ? (db.prepare(`select count(*) from ${table}`).pluck().get() as number) : 0;
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
    sqlite.transaction(() => {
      for (let i = 0; i < 5_000; i++) insert.run('x'.repeat(200));
    })();
    // The commit itself copied nothing back: the database file alone does not hold the rows yet…
    assert.equal(rowsInMainFile(dir, file, 't'), 0);
    // …the thread does, within its interval.
    assert.ok(
      await until(() => rowsInMainFile(dir, file, 't') === 5_000, 5_000),
      'the checkpoint thread copied the rows back',
    );
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

/**
 * Runs `use` with a writing connection as the check-in writer's (WAL, full sync, no checkpoints of its
 * own) to a new file with a table t; closes it and removes the file after.
 */
async function withWritingConnection(
  use: (sqlite: SQLite.Database, dir: string, file: string) => void | Promise<void>,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-checkpoint-'));
  const file = path.join(dir, 'cordon.db');
  const sqlite = new SQLite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    leaveCheckpointsToThread(sqlite);
    sqlite.exec('create table t (id integer primary key, v text)');
    await use(sqlite, dir, file);
  } finally {
    sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Frames in the WAL now (what a checkpoint would copy back): the `log` column of wal_checkpoint. */
function walFrames(sqlite: SQLite.Database): number {
  // A checkpoint that cannot take the lock copies nothing but still reports the WAL's length.
  const [row] = sqlite.pragma('wal_checkpoint(NOOP)') as Array<{ log: number }>;
  return row?.log ?? NaN;
}

test('after the checkpoint thread completes a checkpoint, the writer copies back the rest and its next transaction restarts the WAL', async () => {
  await withWritingConnection((sqlite, _dir, file) => {
    const counter = new SharedArrayBuffer(4);
    const restarts = new WalRestarts(sqlite, counter, 60_000);
    const insert = sqlite.prepare('insert into t (v) values (?)');
    const commits = (n: number) => {
      for (let i = 0; i < n; i++) {
        sqlite.transaction(() => {
          for (let j = 0; j < 20; j++) insert.run('x'.repeat(300));
        })();
        restarts.afterCommit();
      }
    };
    commits(30);
    const walBytes = fs.statSync(`${file}-wal`).size;
    // No checkpoint completed: the writer leaves the WAL alone and it grows.
    commits(30);
    assert.ok(fs.statSync(`${file}-wal`).size > walBytes);

    // The thread completed a checkpoint: the writer finishes it after its next commit…
    Atomics.add(new Int32Array(counter), 0, 1);
    commits(1);
    const grown = fs.statSync(`${file}-wal`).size;
    const framesBefore = walFrames(sqlite);
    // …so the transactions after it write the WAL from its beginning again: the file does not grow.
    commits(30);
    assert.equal(fs.statSync(`${file}-wal`).size, grown);
    assert.ok(
      walFrames(sqlite) < framesBefore / 2,
      `the WAL holds only the latest commits (${walFrames(sqlite)} of ${framesBefore} frames)`,
    );
    assert.equal(sqlite.prepare('select count(*) from t').pluck().get(), 91 * 20);
  });
});

test('a writer whose checkpoint thread completes none for several intervals checkpoints by itself', async () => {
  await withWritingConnection(async (sqlite, dir, file) => {
    // An interval long enough that a busy machine's pause between two lines does not pass it.
    const restarts = new WalRestarts(sqlite, new SharedArrayBuffer(4), 250);
    const insert = sqlite.prepare('insert into t (v) values (?)');
    for (let i = 0; i < 30; i++) insert.run('x'.repeat(300));
    restarts.afterCommit();
    assert.ok(walFrames(sqlite) > 0, 'nothing copied back yet');
    assert.equal(rowsInMainFile(dir, file, 't'), 0);
    await new Promise((r) => setTimeout(r, 1_500));
    restarts.afterCommit();
    assert.equal(rowsInMainFile(dir, file, 't'), 30);
  });
});

test('under commits without pause, the checkpoint thread and the writer keep the WAL from growing', async () => {
  await withWritingConnection(async (sqlite, _dir, file) => {
    const handle = connect({ sqlitePath: file });
    try {
      startCheckpointer(handle, 20);
      const restarts = new WalRestarts(sqlite, checkpointCounter(handle), 20);
      const insert = sqlite.prepare('insert into t (v) values (?)');
      const pageBytes = sqlite.pragma('page_size', { simple: true }) as number;
      // Each commit adds at least one page of rows: written end to end they would fill `commits` pages.
      let commits = 0;
      const until = Date.now() + 1_000;
      while (Date.now() < until || commits < 200) {
        sqlite.transaction(() => {
          for (let j = 0; j < 12; j++) insert.run('x'.repeat(400));
        })();
        restarts.afterCommit();
        commits += 1;
        if (commits % 20 === 0) await new Promise((r) => setImmediate(r)); // let the thread's messages through
      }
      const walBytes = fs.statSync(`${file}-wal`).size;
      assert.ok(
        walBytes < (commits * pageBytes) / 2,
        `WAL ${walBytes} bytes after ${commits} commits of at least ${pageBytes} bytes each`,
      );
      assert.equal(sqlite.prepare('select count(*) from t').pluck().get(), commits * 12);
    } finally {
      await handle.close();
    }
  });
});
