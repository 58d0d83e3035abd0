// The scheduled jobs' leases (src/platform/jobs.ts): one row per job, claimed by a conditional update
// so that of several server processes on one database one runs each job per period; the row also
// keeps the job's last run, last success and last error for the health report. Frozen with the
// chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);
  await db.schema
    .createTable('job_lease')
    .addColumn('name', t.text, (c) => c.primaryKey())
    /** The process holding (or that last held) the lease: host, process id and a per-runner suffix. */
    .addColumn('holder', t.text)
    /** The lease holds until then while a run goes on; null once the run ended (released). */
    .addColumn('until', t.time)
    /** When the latest run started. */
    .addColumn('last_run_at', t.time)
    /** When the latest run that succeeded started. */
    .addColumn('last_ok_at', t.time)
    /** The latest run's error; null when it succeeded. */
    .addColumn('last_error', t.text)
    .execute();
}
