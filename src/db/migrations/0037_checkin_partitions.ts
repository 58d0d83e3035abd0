// Check-ins partitioned by day on PostgreSQL (native declarative partitioning on entered_at): the
// retention purge drops whole days instead of deleting row by row, and a query bounded in time reads
// only its days. The table is rebuilt as a partitioned one with the same columns, foreign keys and
// indexes; every existing row goes to the default partition, and the server's partition job
// (src/venues/checkin.partitions.ts) makes the day partitions — the days within the retention, moving
// their rows out of the default one, and a week ahead. A partitioned table's unique constraints must
// hold the partition key: the primary key is (id, entered_at) and a queued scan's (venue_id, client_id)
// is unique with its entered_at (the check-in writer finds a repeated scan by (venue_id, client_id)
// under the venue's lock, whatever its time). SQLite's schema is unchanged. Frozen with the chain:
// never import app code here.
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

const INDEXES = [
  'create index checkin_venue_time_idx on checkin (venue_id, entered_at)',
  'create index checkin_person_time_idx on checkin (person_id, entered_at)',
  'create index checkin_entered_idx on checkin (entered_at)',
  "create index checkin_open_idx on checkin (venue_id, entered_at) where exited_at is null and decision = 'admitted'",
];

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  if (dialect !== 'postgres') return;
  const run = (text: string) => sql.raw(text).execute(db);
  await run('alter table checkin rename to checkin_unpartitioned');
  await run(
    'alter table checkin_unpartitioned drop constraint checkin_pkey, drop constraint checkin_venue_client_uq, ' +
      'drop constraint checkin_venue_id_fkey, drop constraint checkin_person_id_fkey',
  );
  await run('drop index checkin_venue_time_idx, checkin_person_time_idx, checkin_entered_idx, checkin_open_idx');
  await run('create table checkin (like checkin_unpartitioned including defaults) partition by range (entered_at)');
  await run('alter table checkin add constraint checkin_pkey primary key (id, entered_at)');
  await run('alter table checkin add constraint checkin_venue_client_uq unique (venue_id, client_id, entered_at)');
  await run('alter table checkin add constraint checkin_venue_id_fkey foreign key (venue_id) references venue (id)');
  await run('alter table checkin add constraint checkin_person_id_fkey foreign key (person_id) references person (id)');
  for (const index of INDEXES) await run(index);
  await run('create table checkin_default partition of checkin default');
  await run('insert into checkin select * from checkin_unpartitioned');
  await run('drop table checkin_unpartitioned');
}
