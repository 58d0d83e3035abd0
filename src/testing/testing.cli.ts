// cordon round create|list|plan|coverage, cordon lab upload FILE --round R, cordon pools list.
// The operator at the terminal acts city-wide with the role the command needs; every write is audited
// under the terminal's user name.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { Actor, Role } from '../access/access.rules.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { CLI_LANG, cliActor, reportCliError, withServices, type GlobalOptions } from '../cli/context.ts';
import { formatOf } from '../registry/roster.read.ts';
import { CONTROL_LEVELS, type ControlLevel } from './pooling.rules.ts';
import * as svc from './testing.service.ts';
import { coverage } from './testing.coverage.ts';
import { uploadLabFile } from './testing.lab.ts';
import { listPools } from './testing.pools.ts';
import * as store from './testing.store.ts';

function operator(role: Role): Actor {
  const a = cliActor();
  return { userId: a.name, username: a.name, displayName: a.name, role, areaId: '', areaPath: '', via: 'token' };
}

function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

function parseTime(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${text} (use ISO 8601, e.g. 2022-04-02T06:00:00+08:00)`);
  return ms;
}

function print(json: boolean | undefined, value: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text());
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    reportCliError(err);
  }
}

async function areaIdsOf(s: Services, spec: string): Promise<Array<{ areaId: string; controlLevel?: ControlLevel }>> {
  const items = spec.split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
    const [code, level] = x.split(':');
    if (level && !(CONTROL_LEVELS as readonly string[]).includes(level)) throw new Error(`unknown control level ${level} (${CONTROL_LEVELS.join(', ')})`);
    return { code: code!, level: level as ControlLevel | undefined };
  });
  const areas = await store.areasByCodes(s.db, items.map((i) => i.code));
  return items.map((i) => {
    const a = areas.find((x) => x.code === i.code);
    if (!a) throw new AppError('AREA_NOT_FOUND');
    return { areaId: a.id, ...(i.level ? { controlLevel: i.level } : {}) };
  });
}

export function registerTestingCommands(program: Command): void {
  const round = program.command('round').description('mass testing rounds (全员核酸)');

  round.command('create')
    .description('create a round over areas: --areas CODE[:level],… (level: sealed|controlled|prevention|quarantine_site|key_group)')
    .requiredOption('--name <name>', 'round name, e.g. 第3轮全员核酸')
    .requiredOption('--areas <list>', 'area codes, each optionally with its control level')
    .option('--start <iso>', 'start (default now)')
    .option('--deadline <iso>', 'deadline (default start + the rule file’s 24 h)')
    .option('--previous <roundId>', 'the previous round, for comparison')
    .option('--auto-report', 'report suspected-positive pools on upload')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; areas: string; start?: string; deadline?: string; previous?: string; autoReport?: boolean; json?: boolean }, cmd: Command) => run(() =>
      withServices(globals(cmd), async (s) => {
        const startsAt = parseTime(opts.start, s.clock.now());
        const view = await svc.createRound(s, operator('command'), {
          name: opts.name, areas: await areaIdsOf(s, opts.areas), startsAt,
          ...(opts.deadline ? { deadlineAt: parseTime(opts.deadline, startsAt) } : {}),
          ...(opts.previous ? { previousRoundId: opts.previous } : {}), ...(opts.autoReport ? { autoReport: true } : {}),
        });
        print(opts.json, view, () => `${view.id}  ${view.name}  ${view.status}  target ${view.target}  deadline ${new Date(view.deadlineAt).toISOString()}`);
      })));

  round.command('list')
    .description('rounds, newest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => run(() =>
      withServices(globals(cmd), async (s) => {
        const page = await svc.listRounds(s, operator('command'), undefined, { limit: 500, offset: 0 });
        print(opts.json, page.items, () => page.items.map((r) => `${r.id}  ${r.status.padEnd(8)}  ${r.name}  (${r.areas.map((a) => `${a.name}:${a.controlLevel}`).join(', ')})`).join('\n') || '(none)');
      })));

  round.command('plan <roundId>')
    .description('sites, tables and samplers needed by the norms, and what is short')
    .option('--json', 'print JSON')
    .action(async (roundId: string, opts: { json?: boolean }, cmd: Command) => run(() =>
      withServices(globals(cmd), async (s) => {
        const plan = await svc.roundPlan(s, operator('command'), roundId);
        print(opts.json, plan, () => [plan.total, ...plan.rows].map((r) =>
          `${r.name.padEnd(12)} people ${String(r.population).padStart(8)}  sites ${r.needed.sites.min}–${r.needed.sites.max} (have ${r.registered.sites}, short ${r.short.sites})  `
          + `tables ${r.needed.tables.min}–${r.needed.tables.max} (have ${r.registered.tables}, short ${r.short.tables})  samplers ${r.needed.samplers} (have ${r.registered.samplers}, short ${r.short.samplers})`).join('\n'));
      })));

  round.command('coverage <roundId>')
    .description('sampled / resulted / missing per area (or per building of a grid)')
    .option('--area <code>', 'an area code (default: the round’s areas)')
    .option('--json', 'print JSON')
    .action(async (roundId: string, opts: { area?: string; json?: boolean }, cmd: Command) => run(() =>
      withServices(globals(cmd), async (s) => {
        let areaId: string | undefined;
        if (opts.area) {
          const [a] = await store.areasByCodes(s.db, [opts.area]);
          if (!a) throw new AppError('AREA_NOT_FOUND');
          areaId = a.id;
        }
        const c = await coverage(s, operator('command'), roundId, areaId);
        print(opts.json, c, () => [
          ...c.rows.map((r) => `${r.name.padEnd(14)} target ${String(r.target).padStart(8)}  sampled ${String(r.sampled).padStart(8)} (${pct(r.rate)})  resulted ${String(r.resulted).padStart(8)}  pools ${r.positivePools}  missing ${r.missing}${r.previous ? `  previous ${pct(r.previous.rate)}` : ''}`),
          `${'total'.padEnd(14)} target ${String(c.totals.target).padStart(8)}  sampled ${String(c.totals.sampled).padStart(8)} (${pct(c.totals.rate)})  resulted ${String(c.totals.resulted).padStart(8)}  pools ${c.totals.positivePools}  missing ${c.totals.missing}`,
        ].join('\n'));
      })));

  const labCmd = program.command('lab').description('lab results of testing rounds');
  labCmd.command('upload <file>')
    .description('upload a CSV/XLSX of results (管码, 结果, N基因Ct, ORF1ab基因Ct, 检测时间); whole file or nothing')
    .option('--round <roundId>', 'refuse tubes of other rounds')
    .option('--dry-run', 'check only')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { round?: string; dryRun?: boolean; json?: boolean }, cmd: Command) => run(() =>
      withServices(globals(cmd), async (s) => {
        const format = formatOf(file);
        if (!format) throw new AppError('LAB_FILE_FORMAT');
        const out = await uploadLabFile(s, operator('lab'), fs.createReadStream(file), format, { roundId: opts.round, dryRun: opts.dryRun, fileName: file, lang: CLI_LANG });
        print(opts.json, out, () => `${out.dryRun ? '(dry run) ' : ''}rows ${out.rows}, applied ${out.applied}, repeated ${out.repeated}, negative ${out.negative}, positive ${out.positive}, people ${out.people}, `
          + `new pools ${out.pools.length}, released ${out.released.length}, cases ${out.cases.length}`);
      })));

  const poolsCmd = program.command('pools').description('suspected-positive pools (混管可疑阳性)');
  poolsCmd.command('list')
    .description('open pools, oldest first, with their age against the re-test target')
    .option('--round <roundId>', 'one round')
    .option('--all', 'released and case-found pools too')
    .option('--json', 'print JSON')
    .action(async (opts: { round?: string; all?: boolean; json?: boolean }, cmd: Command) => run(() =>
      withServices(globals(cmd), async (s) => {
        const page = await listPools(s, operator('command'), { roundId: opts.round, status: opts.all ? 'all' : 'open' }, { limit: 500, offset: 0 });
        print(opts.json, page.items, () => page.items.map((p) =>
          `${p.barcode.padEnd(16)} ${p.status.padEnd(10)} ${p.areaName}  members ${p.members}  age ${(p.ageMs / 3_600_000).toFixed(1)} h${p.overdue ? ' OVERDUE' : ''}  re-tests ${p.retests.negative}−/${p.retests.positive}+/${p.retests.pending} pending`).join('\n') || '(none)');
      })));
}
