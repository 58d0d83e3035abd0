// cordon quarantine sites|rooms|hospitals|capacity [--json]: quarantine sites, their rooms (a sheet
// imported whole or refused naming row and column), designated hospitals with the routing query, and the
// capacity view, at a terminal. The operator acts with the command centre's rights over the whole
// deployment and is recorded in the audit chain as cli:<user>. Other parts of the module add their
// sub-commands to the same `quarantine` command (quarantine.cli.ts).
import fs from 'node:fs';
import type { Command } from 'commander';
import { withServices, type GlobalOptions } from '../cli/context.ts';
import { AppError, messageFor } from '../platform/errors.ts';
import { formatOf } from '../registry/roster.read.ts';
import { capacityView } from './capacity.service.ts';
import { CARE_NEEDS, COLOURS, type CareNeed, type CodeColour } from './hospitals.rules.ts';
import { listHospitals, routeQuery } from './hospitals.service.ts';
import { importRooms, listRooms, listSites, roomsFromFile } from './sites.service.ts';
import { oneOf, quarantineCommand, quarantineOperator } from './quarantine.cli.ts';

export function registerQuarantineSiteCommands(program: Command): void {
  const cmd = quarantineCommand(program);
  const opts = () => program.opts<GlobalOptions>();

  cmd
    .command('sites')
    .description('quarantine sites with their rooms by state')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withServices(opts(), async (s) => {
        const page = await listSites(s, await quarantineOperator(s), {}, { limit: 500, offset: 0 });
        if (flags.json) return console.log(JSON.stringify(page));
        console.log(`${page.total} quarantine sites`);
        for (const v of page.items)
          console.log(
            `${v.id}\t${v.name}\t${v.kind}\t${v.areaName}\t${v.status}\trooms ${v.rooms.total} (free ${v.rooms.free}, occupied ${v.rooms.occupied}, cleaning ${v.rooms.cleaning}, out of service ${v.rooms.out_of_service})\tstaff ${v.staff}`,
          );
      });
    });

  cmd
    .command('rooms <siteId>')
    .description("a site's rooms; with --import, add the rooms of a CSV/XLSX sheet (all or nothing)")
    .option('--import <file>', 'the room sheet: 楼层/Floor, 房间号/Room, 房型/Kind, 床位/Beds, 独立卫生间/Own bathroom')
    .option('--dry-run', 'check the sheet without writing')
    .option('--json', 'print JSON')
    .action(async (siteId: string, flags: { import?: string; dryRun?: boolean; json?: boolean }) => {
      await withServices(opts(), async (s) => {
        const actor = await quarantineOperator(s);
        if (flags.import) {
          const format = formatOf(flags.import);
          if (!format) throw new AppError('QUARANTINE_ROOMS_FILE_FORMAT');
          try {
            const sheet = await roomsFromFile(fs.createReadStream(flags.import), format, 'en');
            const out = await importRooms(s, actor, siteId, sheet, { dryRun: flags.dryRun, fileName: flags.import });
            if (flags.json) return console.log(JSON.stringify(out));
            console.log(
              `${out.dryRun ? 'checked' : 'imported'}: ${out.rows} rows, ${out.dryRun ? 0 : out.created} rooms written, ${out.beds} beds (${Object.entries(
                out.byKind,
              )
                .map(([k, n]) => `${k} ${n}`)
                .join(', ')})`,
            );
          } catch (err) {
            if (err instanceof AppError && err.faults.length && !flags.json) {
              console.error(messageFor(err.code, err.params, 'en'));
              for (const f of err.faults)
                console.error(
                  `  row ${f.row ?? '-'}\t${f.column ?? f.field ?? ''}\t${f.code}\t${messageFor(f.code, f.params, 'en')}`,
                );
              process.exitCode = 1;
              return;
            }
            throw err;
          }
          return;
        }
        const list = await listRooms(s, actor, siteId, {});
        if (flags.json) return console.log(JSON.stringify(list));
        console.log(`${list.site.name}: ${list.items.length} rooms`);
        for (const r of list.items)
          console.log(
            `${r.floor}\t${r.number}\t${r.kind}\tbeds ${r.beds}\t${r.state}${r.occupants ? `\t${r.occupants} staying` : ''}`,
          );
      });
    });

  cmd
    .command('hospitals')
    .description('designated hospitals; with --colour (and --need), those that admit such a person')
    .option('--colour <colour>', COLOURS.join(' | '))
    .option('--need <need>', CARE_NEEDS.join(' | '))
    .option('--json', 'print JSON')
    .action(async (flags: { colour?: string; need?: string; json?: boolean }) => {
      await withServices(opts(), async (s) => {
        const actor = await quarantineOperator(s);
        const colour = oneOf<CodeColour>(flags.colour, COLOURS, '--colour');
        const need = oneOf<CareNeed>(flags.need, CARE_NEEDS, '--need');
        const items = colour
          ? (await routeQuery(s, actor, { colour, need })).items
          : (await listHospitals(s, actor, {})).items;
        if (flags.json) return console.log(JSON.stringify({ items }));
        for (const h of items)
          console.log(
            `${h.id}\t${h.name}\t${h.designations.join(',')}\taccepts ${h.acceptsColours.join(',')}\tbeds ${h.bedsFree}/${h.beds}${h.active ? '' : '\tnot admitting'}`,
          );
      });
    });

  cmd
    .command('capacity')
    .description('rooms against the norm by district, people under orders, and the 7-day room forecast')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withServices(opts(), async (s) => {
        const v = await capacityView(s, await quarantineOperator(s), {});
        if (flags.json) return console.log(JSON.stringify(v));
        console.log(
          `rooms: ${v.totals.usable} usable, ${v.totals.free} free (${Math.round(v.totals.freeShare * 100)}%)${v.totals.alert ? '  ALERT: under ' + Math.round(v.rules.alertFreeShare * 100) + '% free' : ''}`,
        );
        for (const d of v.districts)
          console.log(
            `${d.name}\tresidents ${d.residents}\tinfected ${d.infectedCases}\trooms ${d.rooms}\trequired ${d.norm.required}\tshortfall ${d.norm.shortfall}`,
          );
        console.log(`under orders: ${v.orders.active} (${v.orders.unplaced} waiting for a room)`);
        for (const d of v.forecast.days) console.log(`${d.date}\tdemand ${d.demand}\tfree ${d.free}`);
        console.log(
          v.forecast.runsOutOn ? `rooms run out on ${v.forecast.runsOutOn}` : 'rooms last the forecast window',
        );
      });
    });
}
