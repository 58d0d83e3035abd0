// cordon risk-areas list|designate|lift|downgrade [--json]: the command centre's risk-area work at a
// terminal. The operator acts with the command centre's rights over the whole deployment and is
// recorded in the audit chain as cli:<user>.
import type { Command } from 'commander';
import type { Actor } from '../access/access.rules.ts';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { isoInZone } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { rootArea } from '../db/sql.ts';
import { RISK_LEVELS, type RiskLevel } from '../rules/ruleset.schema.ts';
import { RISK_AREA_STATUSES, RISK_AREA_UNITS, type RiskAreaStatus, type RiskAreaUnit } from './riskareas.rules.ts';
import type { RiskAreaView } from './riskareas.schema.ts';
import { designate, lift, listRiskAreas, runRiskAreaRulesAs, type ChangeResult } from './riskareas.service.ts';

/** The terminal operator as an actor of the command role over the root of the area tree. */
async function operator(s: Services): Promise<Actor> {
  const a = cliActor();
  const root = await rootArea(s.db);
  return {
    userId: a.id ?? 'cli',
    username: a.name,
    displayName: a.name,
    role: 'command',
    areaId: root?.id ?? '',
    areaPath: '',
    via: 'token',
  };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new AppError('VALIDATION', { detail: `${flag} must be one of ${allowed.join(', ')}` });
  return value as T;
}

function line(v: RiskAreaView, zone: string): string {
  const since = v.levelSince === null ? '-' : isoInZone(v.levelSince, zone);
  const pending = v.pending ? `\tpending ${v.pending.level} (approval ${v.pending.approvalId})` : '';
  const lifting = v.liftingRule
    ? `\tlowers to ${v.liftingRule.to} after ${v.liftingRule.daysWithoutCase} days without a case`
    : '';
  return `${v.id}\t${v.unit}\t${v.name}\t${v.status}\t${v.level ?? '-'}\tsince ${since}\tarrivals ${v.arrivals.active}/${v.arrivals.total}${pending}${lifting}`;
}

function printChange(r: ChangeResult, zone: string): void {
  console.log(line(r.riskArea, zone));
  const o = r.outcome;
  if (!o.applied) console.log(`held for a command-centre approval: ${o.pendingApprovalId} (${o.people} people)`);
  else
    console.log(
      `applied: ${o.people} arrivals, ${o.colourChanges} colour changes${o.healthAvailable ? '' : ' (health codes not installed: facts follow once they are)'}`,
    );
}

export function registerRiskAreaCommands(program: Command): void {
  const cmd = program
    .command('risk-areas')
    .description("risk areas (中高风险区): list, designate, lift, run the rule set's downgrades");

  cmd
    .command('list')
    .description('designations (default: those in force)')
    .option('--status <status>', `one of ${RISK_AREA_STATUSES.join(', ')}; "all" for every status`, 'active')
    .option('--level <level>', RISK_LEVELS.join(' | '))
    .option('--json', 'print JSON')
    .action(async (flags: { status: string; level?: string; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const status =
          flags.status === 'all' ? undefined : oneOf<RiskAreaStatus>(flags.status, RISK_AREA_STATUSES, '--status');
        const level = oneOf<RiskLevel>(flags.level, RISK_LEVELS, '--level');
        const page = await listRiskAreas(s, await operator(s), { status, level }, { limit: 500, offset: 0 });
        if (flags.json) console.log(JSON.stringify(page));
        else {
          console.log(`${page.total} risk areas`);
          for (const v of page.items) console.log(line(v, s.config.timeZone));
        }
      });
    });

  cmd
    .command('designate')
    .description(
      "designate a building, community or street high / medium / low (held for approval over the rule set's threshold)",
    )
    .requiredOption('--unit <unit>', RISK_AREA_UNITS.join(' | '))
    .requiredOption('--target <id>', 'building id, or area id / code of the community or street')
    .requiredOption('--level <level>', RISK_LEVELS.join(' | '))
    .requiredOption('--reason <text>', 'why (recorded in the history and the audit chain)')
    .requiredOption('--basis <text>', 'the legal basis or notice (e.g. 市指挥部通告 2022 第 12 号)')
    .option('--json', 'print JSON')
    .action(
      async (flags: { unit: string; target: string; level: string; reason: string; basis: string; json?: boolean }) => {
        await withServices(program.opts<GlobalOptions>(), async (s) => {
          const result = await designate(s, await operator(s), {
            unit: oneOf<RiskAreaUnit>(flags.unit, RISK_AREA_UNITS, '--unit')!,
            targetId: flags.target,
            level: oneOf<RiskLevel>(flags.level, RISK_LEVELS, '--level')!,
            reason: flags.reason,
            legalBasis: flags.basis,
          });
          if (flags.json) console.log(JSON.stringify(result));
          else printChange(result, s.config.timeZone);
        });
      },
    );

  cmd
    .command('lift <id>')
    .description("lift a designation in force (arrivals' facts end)")
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--basis <text>', 'the legal basis or notice')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { reason: string; basis: string; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const result = await lift(s, await operator(s), id, { reason: flags.reason, legalBasis: flags.basis });
        if (flags.json) console.log(JSON.stringify(result));
        else printChange(result, s.config.timeZone);
      });
    });

  cmd
    .command('downgrade')
    .description("apply the active rule set now: decided approvals, downgrades whose rule is met, new arrivals' facts")
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const run = await runRiskAreaRulesAs(s, await operator(s));
        if (flags.json) {
          console.log(JSON.stringify(run));
          return;
        }
        console.log(`rule set\t${run.ruleSet.id} ${run.ruleSet.version}\tchecked ${run.checked}`);
        for (const c of run.changes) console.log(`downgraded\t${c.name}\t${c.from} → ${c.to}\t${c.rule}`);
        for (const w of run.waiting)
          console.log(
            `unchanged\t${w.name}\t${w.level}\t${w.reason}${w.history ? `\t${JSON.stringify(w.history)}` : ''}`,
          );
        console.log(`new arrivals\t${run.newArrivals}\tapprovals resolved\t${run.resolved}`);
      });
    });
}
