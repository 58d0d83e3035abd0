// cordon round create|list|plan|coverage|pooling, cordon lab upload FILE --round R, cordon pools list.
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
import type { CoverageView, RoundPoolingView } from './testing.schema.ts';
import { coverage } from './testing.coverage.ts';
import { uploadLabFile } from './testing.lab.ts';
import { listPools } from './testing.pools.ts';
import { areasByCodes } from '../db/sql.ts';
import { nameOrThrow } from '../platform/text.ts';

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
  const items = spec
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const [code, level] = x.split(':');
      if (level && !(CONTROL_LEVELS as readonly string[]).includes(level))
        throw new Error(`unknown control level ${level} (${CONTROL_LEVELS.join(', ')})`);
      return { code: code!, level: level as ControlLevel | undefined };
    });
  const areas = await areasByCodes(
    s.db,
    items.map((i) => i.code),
  );
  return items.map((i) => {
    const a = areas.find((x) => x.code === i.code);
    if (!a) throw new AppError('AREA_NOT_FOUND');
    return { areaId: a.id, ...(i.level ? { controlLevel: i.level } : {}) };
  });
}

/** Columns a terminal shows for a string: CJK and full-width characters take two. */
function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd)
        ? 2
        : 1;
  }
  return w;
}

/** A plain-text table: the first column and those listed in `left` left-aligned, the others (figures) right-aligned. */
function table(headers: string[], rows: string[][], left: readonly number[] = []): string {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]!))));
  const pad = (c: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - displayWidth(c));
    return i === 0 || left.includes(i) ? c + fill : fill + c;
  };
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const NONE = '—';
const count = (n: number) => String(n);
/** Expected figures: whole numbers as they are, fractions to one decimal (two below one, so that 0.04 does not read 0.0). */
export const expected = (n: number | null) =>
  n === null ? NONE : Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) < 1 ? 2 : 1);

/**
 * Coverage as the dashboard shows it: per row target, sampled, resulted, positive pools, missing and rate,
 * and — when the round has a previous round — that round's rate, missing people and positive pools
 * ('—' where it did not go).
 */
export function formatCoverage(c: CoverageView): string {
  const withPrevious = c.round.previousRoundId !== null;
  const headers = [
    c.rows.some((r) => r.level === 'building') ? 'building' : 'area',
    'target',
    'sampled',
    'resulted',
    'positive pools',
    'missing',
    'rate',
  ];
  if (withPrevious) headers.push('previous rate', 'previous missing', 'previous pools');
  const cells = (name: string, f: CoverageView['totals']) => {
    const out = [
      name,
      count(f.target),
      count(f.sampled),
      count(f.resulted),
      count(f.positivePools),
      count(f.missing),
      pct(f.rate),
    ];
    if (withPrevious)
      out.push(
        ...(f.previous
          ? [pct(f.previous.rate), count(f.previous.missing), count(f.previous.positivePools)]
          : [NONE, NONE, NONE]),
      );
    return out;
  };
  const title = `${c.round.name}${c.area ? ` · ${c.area.name}` : ''}`;
  return [title, '', table(headers, [...c.rows.map((r) => cells(r.name || NONE, r)), cells('total', c.totals)])].join(
    '\n',
  );
}

/** The round's coverage as `cordon round coverage` prints it (the area given by its code). */
export async function coverageReport(
  s: Services,
  roundId: string,
  areaCode?: string,
): Promise<{ view: CoverageView; text: string }> {
  let areaId: string | undefined;
  if (areaCode) {
    const [a] = await areasByCodes(s.db, [areaCode]);
    if (!a) throw new AppError('AREA_NOT_FOUND');
    areaId = a.id;
  }
  const view = await coverage(s, operator('command'), roundId, areaId);
  return { view, text: formatCoverage(view) };
}

/** The pool-size advisor applied to a round: the prevalence and where it came from, then per area what to expect. */
export function formatRoundPooling(v: RoundPoolingView): string {
  let head: string;
  if (v.prevalence === null) {
    head =
      'prevalence: none typed, and the last rounds have no results to estimate it from — give --prevalence (e.g. 0.2%)';
  } else if (v.source === 'typed') {
    head = `prevalence ${(v.prevalence * 100).toFixed(3)}% (typed)`;
  } else {
    const e = v.estimate!;
    head = `prevalence ${(v.prevalence * 100).toFixed(3)}% (estimated from ${e.rounds.map((r) => r.name).join(', ')}: ${e.positives} positive of ${e.resulted} resulted)`;
  }
  const rows = v.areas.map((a) => [
    a.name,
    a.controlLevel,
    count(a.population),
    `${a.mandatedPoolSize}:1${a.householdTube ? ' or household' : ''}`,
    a.recommendedPoolSize === null ? NONE : `${a.recommendedPoolSize}:1`,
    a.testsPerPerson === null ? NONE : a.testsPerPerson.toFixed(4),
    expected(a.expectedTubes),
    expected(a.expectedPositiveTubes),
    expected(a.expectedRetests),
    expected(a.expectedControlled),
    a.reason ?? NONE,
  ]);
  if (v.totals) {
    const t = v.totals;
    rows.push([
      'total',
      '',
      count(t.population),
      '',
      '',
      t.testsPerPerson.toFixed(4),
      expected(t.expectedTubes),
      expected(t.expectedPositiveTubes),
      expected(t.expectedRetests),
      expected(t.expectedControlled),
      '',
    ]);
  }
  return [
    head,
    `rules ${v.rules.version} (effective ${v.rules.effectiveFrom})`,
    '',
    table(
      [
        'area',
        'control level',
        'people',
        'mandated',
        'recommended',
        'tests/person',
        'tubes',
        'positive tubes',
        're-tests',
        'under control',
        'why',
      ],
      rows,
      [1, 10],
    ),
  ].join('\n');
}

/** The round's pool-size advice as `cordon round pooling` prints it; a bad prevalence is named by its flag. */
export async function roundPoolingReport(
  s: Services,
  roundId: string,
  prevalence?: string,
): Promise<{ view: RoundPoolingView; text: string }> {
  let view: RoundPoolingView;
  try {
    view = await svc.roundPooling(s, operator('command'), roundId, prevalence);
  } catch (err) {
    if (err instanceof AppError && err.code === 'ADVISOR_INPUT_INVALID')
      throw new AppError(err.code, { ...err.params, option: '--prevalence' }, { extra: { option: '--prevalence' } });
    throw err;
  }
  return { view, text: formatRoundPooling(view) };
}

export function registerTestingCommands(program: Command): void {
  const round = program.command('round').description('mass testing rounds (全员核酸)');

  round
    .command('create')
    .description(
      'create a round over areas: --areas CODE[:level],… (level: sealed|controlled|prevention|quarantine_site|key_group)',
    )
    .requiredOption('--name <name>', 'round name, e.g. 第3轮全员核酸')
    .requiredOption('--areas <list>', 'area codes, each optionally with its control level')
    .option('--start <iso>', 'start (default now)')
    .option('--deadline <iso>', 'deadline (default start + the rule file’s 24 h)')
    .option('--previous <roundId>', 'the previous round, for comparison')
    .option('--auto-report', 'report suspected-positive pools on upload')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: {
          name: string;
          areas: string;
          start?: string;
          deadline?: string;
          previous?: string;
          autoReport?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) =>
        run(() =>
          withServices(globals(cmd), async (s) => {
            const startsAt = parseTime(opts.start, s.clock.now());
            const view = await svc.createRound(s, operator('command'), {
              name: nameOrThrow(opts.name, '--name'),
              areas: await areaIdsOf(s, opts.areas),
              startsAt,
              ...(opts.deadline ? { deadlineAt: parseTime(opts.deadline, startsAt) } : {}),
              ...(opts.previous ? { previousRoundId: opts.previous } : {}),
              ...(opts.autoReport ? { autoReport: true } : {}),
            });
            print(
              opts.json,
              view,
              () =>
                `${view.id}  ${view.name}  ${view.status}  target ${view.target}  deadline ${new Date(view.deadlineAt).toISOString()}`,
            );
          }),
        ),
    );

  round
    .command('list')
    .description('rounds, newest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      run(() =>
        withServices(globals(cmd), async (s) => {
          const page = await svc.listRounds(s, operator('command'), undefined, { limit: 500, offset: 0 });
          print(
            opts.json,
            page.items,
            () =>
              page.items
                .map(
                  (r) =>
                    `${r.id}  ${r.status.padEnd(8)}  ${r.name}  (${r.areas.map((a) => `${a.name}:${a.controlLevel}`).join(', ')})`,
                )
                .join('\n') || '(none)',
          );
        }),
      ),
    );

  round
    .command('plan <roundId>')
    .description('sites, tables and samplers needed by the norms, and what is short')
    .option('--json', 'print JSON')
    .action(async (roundId: string, opts: { json?: boolean }, cmd: Command) =>
      run(() =>
        withServices(globals(cmd), async (s) => {
          const plan = await svc.roundPlan(s, operator('command'), roundId);
          print(opts.json, plan, () =>
            [plan.total, ...plan.rows]
              .map(
                (r) =>
                  `${r.name.padEnd(12)} people ${String(r.population).padStart(8)}  sites ${r.needed.sites.min}–${r.needed.sites.max} (have ${r.registered.sites}, short ${r.short.sites})  ` +
                  `tables ${r.needed.tables.min}–${r.needed.tables.max} (have ${r.registered.tables}, short ${r.short.tables})  samplers ${r.needed.samplers} (have ${r.registered.samplers}, short ${r.short.samplers})`,
              )
              .join('\n'),
          );
        }),
      ),
    );

  round
    .command('coverage <roundId>')
    .description(
      'sampled / resulted / positive pools / missing per area (or per building of a grid), beside the previous round',
    )
    .option('--area <code>', 'an area code (default: the round’s areas)')
    .option('--json', 'print JSON (the whole view: every row with its previous-round figures)')
    .action(async (roundId: string, opts: { area?: string; json?: boolean }, cmd: Command) =>
      run(() =>
        withServices(globals(cmd), async (s) => {
          const { view, text } = await coverageReport(s, roundId, opts.area);
          print(opts.json, view, () => text);
        }),
      ),
    );

  round
    .command('pooling <roundId>')
    .description(
      'the pool-size advisor for the round: per area the mandated and recommended pool size, tubes, positive tubes, re-tests and people put under control to expect',
    )
    .option('--prevalence <p>', 'prevalence, e.g. 0.002, 0.2% or 2‰ (default: estimated from the last rounds)')
    .option('--json', 'print JSON')
    .action(async (roundId: string, opts: { prevalence?: string; json?: boolean }, cmd: Command) =>
      run(() =>
        withServices(globals(cmd), async (s) => {
          const { view, text } = await roundPoolingReport(s, roundId, opts.prevalence);
          print(opts.json, view, () => text);
        }),
      ),
    );

  const labCmd = program.command('lab').description('lab results of testing rounds');
  labCmd
    .command('upload <file>')
    .description('upload a CSV/XLSX of results (管码, 结果, N基因Ct, ORF1ab基因Ct, 检测时间); whole file or nothing')
    .option('--round <roundId>', 'refuse tubes of other rounds')
    .option('--dry-run', 'check only')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { round?: string; dryRun?: boolean; json?: boolean }, cmd: Command) =>
      run(() =>
        withServices(globals(cmd), async (s) => {
          const format = formatOf(file);
          if (!format) throw new AppError('LAB_FILE_FORMAT');
          const out = await uploadLabFile(s, operator('lab'), fs.createReadStream(file), format, {
            roundId: opts.round,
            dryRun: opts.dryRun,
            fileName: file,
            lang: CLI_LANG,
          });
          print(
            opts.json,
            out,
            () =>
              `${out.dryRun ? '(dry run) ' : ''}rows ${out.rows}, applied ${out.applied}, repeated ${out.repeated}, negative ${out.negative}, positive ${out.positive}, people ${out.people}, ` +
              `new pools ${out.pools.length}, released ${out.released.length}, cases ${out.cases.length}`,
          );
        }),
      ),
    );

  const poolsCmd = program.command('pools').description('suspected-positive pools (混管可疑阳性)');
  poolsCmd
    .command('list')
    .description('open pools, oldest first, with their age against the re-test target')
    .option('--round <roundId>', 'one round')
    .option('--all', 'released and case-found pools too')
    .option('--json', 'print JSON')
    .action(async (opts: { round?: string; all?: boolean; json?: boolean }, cmd: Command) =>
      run(() =>
        withServices(globals(cmd), async (s) => {
          const page = await listPools(
            s,
            operator('command'),
            { roundId: opts.round, status: opts.all ? 'all' : 'open' },
            { limit: 500, offset: 0 },
          );
          print(
            opts.json,
            page.items,
            () =>
              page.items
                .map(
                  (p) =>
                    `${p.barcode.padEnd(16)} ${p.status.padEnd(10)} ${p.areaName}  members ${p.members}  age ${(p.ageMs / 3_600_000).toFixed(1)} h${p.overdue ? ' OVERDUE' : ''}  re-tests ${p.retests.negative}−/${p.retests.positive}+/${p.retests.pending} pending`,
                )
                .join('\n') || '(none)',
          );
        }),
      ),
    );
}
