// The writer thread of the append floors (bench/floors/server.ts): each batch of check-in rows appended
// to a table without indexes in one transaction (WAL, synchronous=FULL, so one fsync a batch) and
// answered after COMMIT — the least a durable acknowledgement can cost on SQLite. With `fold`, every
// FOLD_ROWS rows appended are then moved into the check-in table with its indexes, in one transaction:
// the indexes kept up to date behind the acknowledgements, in batches far larger than a door's.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { CHECKIN_COLUMNS } from '../../src/venues/venue.store.ts';

const FOLD_ROWS = 2_000;
const columns = CHECKIN_COLUMNS.join(', ');

const { file, fold } = workerData as { file: string; fold: boolean };
const db = new SQLite(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
// As Cordon's writer: the folded rows' venue and person are checked.
db.pragma('foreign_keys = ON');
db.exec(`create table if not exists bench_floor_log (seq integer primary key, ${columns})`);
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const append = db.prepare(
  `insert into bench_floor_log (${columns}) values (${CHECKIN_COLUMNS.map((c) => `@${c}`).join(', ')})`,
);
const moveToIndexed = db.prepare(
  `insert into checkin (${columns}) select ${columns} from bench_floor_log order by seq`,
);
const emptyLog = db.prepare('delete from bench_floor_log');
let appended = 0;
let batches = 0;

parentPort!.on('message', (message: { rows: string }) => {
  const rows = JSON.parse(message.rows) as Array<Record<string, unknown>>;
  begin.run();
  for (const row of rows) append.run(row);
  commit.run();
  parentPort!.postMessage(rows.length);
  appended += rows.length;
  if (fold && appended >= FOLD_ROWS) {
    begin.run();
    moveToIndexed.run();
    emptyLog.run();
    commit.run();
    appended = 0;
  }
  // Keep the WAL short, as Cordon's checkpoint thread does.
  if (++batches % 200 === 0) db.pragma('wal_checkpoint(RESTART)');
});
