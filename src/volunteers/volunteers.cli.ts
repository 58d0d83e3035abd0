// cordon volunteers match|hours: a day's matching (proposed, or confirmed with --confirm) and the hours
// export at a terminal. The operator acts with the command centre's rights over the whole deployment and
// is recorded in the audit chain as cli:<user>.
import type { Command } from 'commander';
import type { Actor } from '../access/access.rules.ts';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { rootArea } from '../db/sql.ts';
import type { Services } from '../services.ts';
import { confirm, hoursReport, propose } from './volunteers.service.ts';

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

const csv = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

export function registerVolunteerCommands(program: Command): void {
  const cmd = program.command('volunteers').description('volunteers (志愿者): matching a day, hours export');

  cmd
    .command('match')
    .description("propose volunteers for a day's open needs (every hard rule held); --confirm books them")
    .requiredOption('--date <YYYY-MM-DD>', 'the day')
    .option('--confirm', 'offer the proposed seats to the volunteers')
    .option('--json', 'print JSON')
    .action(async (flags: { date: string; confirm?: boolean; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const actor = await operator(s);
        const p = await propose(s, actor, { date: flags.date });
        const booked =
          flags.confirm && p.proposals.length
            ? (
                await confirm(s, actor, {
                  assignments: p.proposals.map((x) => ({ needId: x.needId, volunteerId: x.volunteerId })),
                })
              ).booked
            : 0;
        if (flags.json) console.log(JSON.stringify({ ...p, booked }));
        else {
          console.log(
            `${p.date}: ${p.needs} needs, ${p.proposals.length} placements proposed, ${p.unfilled.length} needs short`,
          );
          for (const x of p.proposals)
            console.log(
              `${x.needId}\t${x.volunteerName}\t${x.score}\tdistance ${x.explain.distance}\tweek ${x.explain.weekHours} h`,
            );
          if (flags.confirm) console.log(`booked ${booked}`);
        }
      });
    });

  cmd
    .command('hours')
    .description('hours of accepted tasks per volunteer, as CSV')
    .requiredOption('--from <YYYY-MM-DD>', 'first day')
    .requiredOption('--to <YYYY-MM-DD>', 'last day')
    .action(async (flags: { from: string; to: string }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const rows = await hoursReport(s, await operator(s), flags.from, flags.to);
        console.log('volunteer_id,name,team,tasks,hours');
        for (const r of rows) console.log([r.volunteerId, r.name, r.team, r.tasks, r.hours].map(csv).join(','));
      });
    });
}
