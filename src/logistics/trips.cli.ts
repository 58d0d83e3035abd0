// cordon logistics trips list|approve|refuse|arrivals [--json]: trip pre-registrations at a terminal,
// with the command centre's rights over the whole deployment; recorded in the audit chain as cli:<user>.
import type { Command } from 'commander';
import type { Actor } from '../access/access.rules.ts';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { rootArea } from '../db/sql.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { SLOTS, TRIP_STATUSES, type Slot, type TripStatus } from './trips.rules.ts';
import type { TripView } from './trips.schema.ts';
import { arrivalList, decideTrip, listTrips } from './trips.service.ts';

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

function line(t: TripView, timeZone: string): string {
  const at = (ms: number) =>
    new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(ms);
  return [
    t.plate,
    t.status,
    `${at(t.arriveFrom)}~${at(t.arriveUntil)}`,
    `${t.origin.code}(${t.originRisk})→${t.destinationName}`,
    `${t.cargoName} ${t.quantity}${t.unit}`,
    t.passNumber ?? '-',
    t.enterpriseName,
    t.id,
  ].join('\t');
}

export function registerTripCommands(program: Command): void {
  const logistics =
    program.commands.find((c) => c.name() === 'logistics') ??
    program.command('logistics').description('supply logistics (保通保畅)');
  const cmd = logistics
    .command('trips')
    .description('trip pre-registrations (报备): list, approve, refuse, arrival lists');

  cmd
    .command('list')
    .description('trips, by expected arrival')
    .option('--status <status>', TRIP_STATUSES.join(' | '))
    .option('--date <YYYY-MM-DD>', 'arriving on this day')
    .option('--json', 'print JSON')
    .action(async (flags: { status?: string; date?: string; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        if (flags.status && !(TRIP_STATUSES as readonly string[]).includes(flags.status))
          throw new AppError('VALIDATION', { detail: `--status must be one of ${TRIP_STATUSES.join(', ')}` });
        const page = await listTrips(
          s,
          await operator(s),
          { status: flags.status as TripStatus | undefined, date: flags.date },
          { limit: 1000, offset: 0 },
        );
        if (flags.json) console.log(JSON.stringify(page));
        else {
          console.log(`${page.total} trips`);
          for (const t of page.items) console.log(line(t, s.config.timeZone));
        }
      });
    });

  cmd
    .command('approve <id>')
    .description("approve a trip for the cargo's department")
    .option('--note <text>', 'a note kept with the decision')
    .action(async (id: string, flags: { note?: string }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const t = await decideTrip(s, await operator(s), id, 'approve', flags.note ?? '');
        console.log(line(t, s.config.timeZone));
      });
    });

  cmd
    .command('refuse <id>')
    .description('refuse a trip, with the reason')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, flags: { reason: string }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const t = await decideTrip(s, await operator(s), id, 'refuse', flags.reason);
        console.log(line(t, s.config.timeZone));
      });
    });

  cmd
    .command('arrivals')
    .description("a transfer station's arrival list for 08:00 or 16:00")
    .requiredOption('--station <id>', 'the transfer station')
    .requiredOption('--date <YYYY-MM-DD>', 'the day')
    .option('--slot <slot>', SLOTS.join(' | '), '08')
    .option('--json', 'print JSON')
    .action(async (flags: { station: string; date: string; slot: string; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        if (!(SLOTS as readonly string[]).includes(flags.slot))
          throw new AppError('VALIDATION', { detail: `--slot must be one of ${SLOTS.join(', ')}` });
        const list = await arrivalList(s, await operator(s), flags.station, {
          date: flags.date,
          slot: flags.slot as Slot,
        });
        if (flags.json) console.log(JSON.stringify(list));
        else {
          console.log(`${list.stationName} ${list.date} ${list.slot}:00 — ${list.trips.length} vehicles`);
          for (const t of list.trips) console.log(line(t, s.config.timeZone));
        }
      });
    });
}
