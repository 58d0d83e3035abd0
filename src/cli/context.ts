// Opening and closing the services around one CLI command, and printing its failures plainly.
import { loadConfig, terminalLang, type Config } from '../config.ts';
import { createServices, type Services } from '../services.ts';
import { AppError, localizeFaults, messageFor, type Lang } from '../platform/errors.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import os from 'node:os';

export interface GlobalOptions {
  dataDir?: string;
  databaseUrl?: string;
}

export function cliConfig(opts: GlobalOptions = {}): Config {
  const overrides: Partial<Config> = {};
  if (opts.dataDir) overrides.dataDir = opts.dataDir;
  if (opts.databaseUrl) overrides.databaseUrl = opts.databaseUrl;
  return loadConfig(undefined, overrides);
}

export const CLI_LANG: Lang = terminalLang();

/** The operator at the terminal, as recorded in the audit log. */
export function cliActor(): AuditActor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return { id: null, name: `cli:${user}`, role: SYSTEM_ACTOR.role };
}

export async function withServices<T>(opts: GlobalOptions, fn: (s: Services) => Promise<T>): Promise<T> {
  const s = await createServices(cliConfig(opts));
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Prints an error the way a person at a terminal needs it, and sets a failing exit code. */
export function reportCliError(err: unknown): void {
  if (err instanceof AppError) {
    console.error(`error ${err.code}: ${messageFor(err.code, err.params, CLI_LANG)}`);
    for (const f of localizeFaults(err.faults, CLI_LANG).slice(0, 50)) {
      const where = [f.row !== undefined ? `row ${f.row}` : '', f.column ?? f.field ?? ''].filter(Boolean).join(', ');
      console.error(`  ${where}: ${f.code} ${f.message}`);
    }
    if (err.faults.length > 50) console.error(`  … and ${err.faults.length - 50} more`);
  } else {
    console.error(`error: ${(err as Error)?.message ?? err}`);
  }
  process.exitCode = process.exitCode || 1;
}

/** A one-line progress display on a terminal; silent when output is not a TTY. */
export function progressLine(label: string): (done: number, total: number, phase?: string) => void {
  let last = 0;
  return (done, total, phase) => {
    const now = Date.now();
    if (!process.stderr.isTTY || (now - last < 100 && done < total)) return;
    last = now;
    const pct = total ? Math.floor((done / total) * 100) : 100;
    process.stderr.write(
      `\r${label}${phase ? ` ${phase}` : ''}: ${done.toLocaleString()}/${total.toLocaleString()} (${pct}%)   `,
    );
    if (done >= total) process.stderr.write('\n');
  };
}
