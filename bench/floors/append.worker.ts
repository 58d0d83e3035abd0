// The append floor's writer thread (bench/floors/server.ts): each batch of scans appended to a table
// without indexes in one transaction (WAL, synchronous=FULL, so one fsync a batch), answered after
// COMMIT with each scan's row number — the least a durable acknowledgement can cost on SQLite.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const db = new SQLite((workerData as { file: string }).file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('create table if not exists bench_floor_log (seq integer primary key, scan text not null)');
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const append = db.prepare<[string]>('insert into bench_floor_log (scan) values (?)');
let batches = 0;

parentPort!.on('message', (message: { scans: string }) => {
  const scans = JSON.parse(message.scans) as string[];
  begin.run();
  const seqs = scans.map((scan) => Number(append.run(scan).lastInsertRowid));
  commit.run();
  parentPort!.postMessage(JSON.stringify(seqs));
  // Keep the WAL short, as Cordon's checkpoint thread does.
  if (++batches % 200 === 0) db.pragma('wal_checkpoint(RESTART)');
});
