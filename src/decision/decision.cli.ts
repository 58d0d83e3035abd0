// cordon rt | cordon project [--area <code>] [--json]: Rt by day and a projection of cases at a
// terminal. The operator acts with the command centre's rights over the whole deployment; a projection
// is stored and recorded in the audit chain as cli:<user>.
import type { Command } from 'commander';
import type { Actor } from '../access/access.rules.ts';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { areaByCode, rootArea } from '../db/sql.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { createProjection, rtOverview, scoreDueProjections } from './decision.service.ts';

async function operator(s: Services): Promise<Actor> {
  const a = cliActor();
  const root = await rootArea(s.db);
  return {
    userId: a.id ?? 'cli',
    username: a.name,
    displayName: a.name,
    role: 'command',
    areaId: root?.id ?? '',
    areaPath: root?.path ?? '',
    via: 'token',
  };
}

async function areaId(s: Services, code: string | undefined): Promise<string | undefined> {
  if (!code) return undefined;
  const a = await areaByCode(s.db, code);
  if (!a) throw new AppError('AREA_NOT_FOUND');
  return a.id;
}

const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new AppError('VALIDATION', { detail: `${name} must be a number` });
  return n;
};

const fmt = (x: number) => x.toFixed(2);

export function registerDecisionCommands(program: Command): void {
  program
    .command('rt')
    .description('the reproduction number Rt by day (Cori et al. 2013) of the city or an area')
    .option('--area <code>', 'area code (default: the city)')
    .option('--window <days>', 'sliding window in days', num('--window'))
    .option('--si-mean <days>', 'serial interval mean (parametric)', num('--si-mean'))
    .option('--si-sd <days>', 'serial interval sd (parametric)', num('--si-sd'))
    .option('--si <probabilities>', 'a discrete serial interval: comma-separated, from day 0')
    .option('--json', 'print JSON')
    .action(
      async (flags: {
        area?: string;
        window?: number;
        siMean?: number;
        siSd?: number;
        si?: string;
        json?: boolean;
      }) => {
        await withServices(program.opts<GlobalOptions>(), async (s) => {
          const v = await rtOverview(s, await operator(s), {
            areaId: await areaId(s, flags.area),
            window: flags.window,
            siMean: flags.siMean,
            siSd: flags.siSd,
            siDistribution: flags.si,
          });
          if (flags.json) return console.log(JSON.stringify(v));
          const si = v.serialInterval;
          console.log(
            `${v.area.name}: window ${v.window} days, prior Gamma(${v.prior.shape}, ${v.prior.scale}), serial interval ${si.source} mean ${fmt(si.mean)} sd ${fmt(si.sd)} (pairs ${si.pairs.used}/${si.pairs.pairs}, need ${si.pairs.minPairs})`,
          );
          console.log('date\tlocal\timported\tRt\t95% CrI');
          for (const d of v.days)
            console.log(
              `${d.date}\t${d.local}\t${d.imported}\t${d.rt ? fmt(d.rt.mean) : '-'}\t${d.rt ? `${fmt(d.rt.q025)}–${fmt(d.rt.q975)}` : (d.reason ?? '')}`,
            );
        });
      },
    );

  program
    .command('project')
    .description('project the cases of the next days by the renewal equation, with demand; stored and scored later')
    .option('--area <code>', 'area code (default: the city)')
    .option('--seed <n>', 'random seed (same seed, same projection)', num('--seed'))
    .option('--score-due', 'score the stored projections whose days have passed, and stop')
    .option('--json', 'print JSON')
    .action(async (flags: { area?: string; seed?: number; scoreDue?: boolean; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        if (flags.scoreDue) {
          const n = await scoreDueProjections(s);
          return console.log(flags.json ? JSON.stringify({ scored: n }) : `${n} projection(s) scored`);
        }
        const p = await createProjection(s, await operator(s), {
          areaId: await areaId(s, flags.area),
          seed: flags.seed,
        });
        if (flags.json) return console.log(JSON.stringify(p));
        console.log(
          `${p.area.name}: from ${p.firstDay}, Rt ${fmt(p.rt.mean)} (${fmt(p.rt.q025)}–${fmt(p.rt.q975)}), seed ${p.seed}, ${p.trajectories} trajectories`,
        );
        console.log('date\tmedian\t50%\t95%');
        for (const d of p.days) console.log(`${d.date}\t${d.median}\t${d.q25}–${d.q75}\t${d.q025}–${d.q975}`);
        const m = p.demand;
        console.log(
          `demand over ${p.horizon} days (median / 95% top): cases ${m.median.cases} / ${m.high.cases}, contacts ${m.median.contacts} / ${m.high.contacts}, room-days ${m.median.roomDays} / ${m.high.roomDays}, hospital bed-days ${m.median.beds} / ${m.high.beds}`,
        );
      });
    });
}
