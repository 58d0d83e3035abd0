// cordon serve: listen on $PORT. cordon start: build the web app if needed, seed the demo city on
// first start, then serve (what `npm start` runs).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { build, WEB_DIST } from '../app.ts';
import { createServices } from '../services.ts';
import { residentStartup } from '../residents/residents.service.ts';
import { cliConfig, type GlobalOptions } from './context.ts';
import { ensureFirstStart } from './first-start.ts';
import { warmPasswordEstimator } from '../access/password.rules.ts';
import { venueJobs } from '../venues/venue.jobs.ts';
import { riskAreaJobs } from '../riskareas/riskareas.jobs.ts';
import { healthJobs } from '../health/health.jobs.ts';
import { careJobs } from '../quarantine/care.jobs.ts';
import { reserveJobs } from '../logistics/reserves.jobs.ts';
import { decisionJobs } from '../decision/decision.jobs.ts';
import { startVisitIndex } from '../tracing/trace.index.start.ts';
import { auditAnchorJobs } from '../platform/audit.jobs.ts';
import { JobRunner, type Job } from '../platform/jobs.ts';
import { commandJobs } from '../command/alerts.jobs.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Longest a SIGTERM / SIGINT shutdown may take before the process exits anyway. */
const SHUTDOWN_MS = 10_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds web/dist when it is missing or older than the web sources. */
export function buildWebIfNeeded(): void {
  const index = path.join(WEB_DIST, 'index.html');
  const src = path.join(ROOT, 'web', 'src');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestMtime(src)) return;
  console.log('building the web app (first start or sources changed)…');
  const r = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the web app failed (see above)');
}

async function serve(opts: GlobalOptions & { port?: string; host?: string }, firstStart: boolean): Promise<void> {
  const config = cliConfig(opts);
  if (opts.port) config.port = Number(opts.port);
  if (opts.host) config.host = opts.host;
  const s = await createServices(config);
  if (firstStart) await ensureFirstStart(s);
  // Once across the processes starting together: the one that takes the lease seals, the others go on.
  const startup: Job = {
    name: 'residents.startup',
    everyMs: 0,
    run: async () => {
      const ready = await residentStartup(s);
      return ready.sealed ? `sealed the phones of ${ready.sealed} resident accounts` : null;
    },
  };
  await new JobRunner(s, [startup], { log: (m) => console.log(m) }).tick();
  if (s.sms.kind === 'log')
    console.log(
      'text messages (one-time codes) go to this log: set CORDON_SMS_URL to send them through an SMS gateway',
    );
  const app = await build(s, { logger: { level: config.logLevel } });
  // Database faults (dropped connections, a full disk) are logged once per interval through the server's logger.
  s.handle.faults.setLogger((m) => app.log.error(m));
  let stopJobs = async () => {};
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    // Whatever a dependency does (a Redis or database that does not answer), the process ends.
    setTimeout(() => {
      console.error(`shutdown took longer than ${SHUTDOWN_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_MS).unref();
    try {
      await stopJobs();
      await app.close();
      await s.close();
    } catch (err) {
      console.error(`shutdown: ${(err as Error)?.message ?? err}`);
      process.exit(1);
    }
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port: config.port, host: config.host });
  warmPasswordEstimator(); // builds zxcvbn's dictionaries now, not during the first sign-up
  // The scheduled jobs run once across every process on this database (src/platform/jobs.ts); the
  // visit index is this process's own cache, checked against the database before each use.
  const runner = new JobRunner(
    s,
    [
      ...venueJobs(),
      ...riskAreaJobs(),
      ...healthJobs(),
      ...careJobs(),
      ...reserveJobs(),
      ...decisionJobs(),
      ...auditAnchorJobs(s),
      ...commandJobs(),
    ],
    {
      log: (m) => app.log.warn(m),
    },
  );
  const stopRunner = runner.start();
  const stopVisitIndex = startVisitIndex(s, { log: (m) => app.log.warn(m) });
  stopJobs = async () => {
    stopVisitIndex();
    await stopRunner(); // a run going on ends and releases its lease
  };
  console.log(
    `Cordon listening on http://localhost:${config.port} (${s.dialect}${s.dialect === 'sqlite' ? `: ${path.join(config.dataDir, 'cordon.db')}` : ''})`,
  );
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server')
    .option('-p, --port <port>', 'port (default $PORT or 8080)')
    .option('--host <host>', 'interface to listen on (default 0.0.0.0)')
    .action(async (opts: { port?: string; host?: string }) =>
      serve({ ...program.opts<GlobalOptions>(), ...opts }, false),
    );

  program
    .command('start')
    .description('build the web app if needed, seed a demo city on first start, and serve')
    .option('-p, --port <port>', 'port (default $PORT or 8080)')
    .option('--host <host>', 'interface to listen on (default 0.0.0.0)')
    .action(async (opts: { port?: string; host?: string }) => {
      buildWebIfNeeded();
      await serve({ ...program.opts<GlobalOptions>(), ...opts }, true);
    });
}
