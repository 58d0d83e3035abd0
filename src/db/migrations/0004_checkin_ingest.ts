// Open visits (check-in ingest): a partial index over the admitted visits still open, by venue and
// entry time. Every check-in counts a venue's open visits and closes those past the dwell; with only
// the (venue_id, entered_at) index both read every visit of the window (and the auto-close every
// visit of the venue's history), here they read only the visits still open. Frozen with the chain:
// never import app code here.
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await sql`create index checkin_open_idx on checkin (venue_id, entered_at) where exited_at is null and decision = 'admitted'`.execute(
    db,
  );
}
