// cordon quarantine allocate [orderIds...] --sites <ids> [--case <id>] [--confirm] | pickups <planId>
// [--json]: room allocation at a terminal — a plan for the people with orders (the case's, or those
// named) over the sites in order of preference, confirmed whole when asked, and the pick-up list per
// vehicle (names masked). The operator acts with the command centre's rights and is audited as cli:<user>.
import type { Command } from 'commander';
import { withServices, type GlobalOptions } from '../cli/context.ts';
import { AppError } from '../platform/errors.ts';
import type { PlanView } from './allocation.schema.ts';
import { confirmPlan, pickupList, planAllocation } from './allocation.service.ts';
import { quarantineCommand, quarantineOperator } from './quarantine.cli.ts';

function printPlan(p: PlanView): void {
  console.log(
    `plan ${p.planId} (${p.status}): ${p.placed.length} placed, ${p.hospital.length} to hospital, ${p.unplaced.length} unplaced, ${p.vehicles} vehicle(s)`,
  );
  for (const x of p.placed)
    console.log(`${x.orderId}\t${x.personName}\t${x.siteName}\t${x.roomNumber}\t${x.needs.join(',')}`);
  for (const x of p.hospital)
    console.log(`${x.orderId}\t${x.personName}\thospital ${x.hospitalName ?? '-'}\t${x.need}`);
  for (const x of p.unplaced) console.log(`${x.orderId}\t${x.personName}\tunplaced: ${x.reason}`);
}

export function registerQuarantineAllocationCommands(program: Command): void {
  const cmd = quarantineCommand(program);
  const opts = () => program.opts<GlobalOptions>();

  cmd
    .command('allocate [orderIds...]')
    .description('plan rooms for people with orders (a case’s, or those named), confirm it whole with --confirm')
    .requiredOption('--sites <ids>', 'site ids in order of preference, comma-separated')
    .option('--case <caseId>', 'every active centralised order of this case not yet in a room')
    .option('--confirm', 'confirm the plan at once (all or nothing)')
    .option('--seats <n>', 'seats per vehicle of the pick-up list', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(
      async (
        orderIds: string[],
        f: { sites: string; case?: string; confirm?: boolean; seats?: number; json?: boolean },
      ) =>
        withServices(opts(), async (s) => {
          if (!orderIds.length && !f.case)
            throw new AppError('VALIDATION', { detail: 'name order ids or give --case' });
          const actor = await quarantineOperator(s);
          const siteIds = f.sites
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean);
          let plan = await planAllocation(s, actor, {
            ...(orderIds.length ? { orderIds } : {}),
            ...(f.case ? { caseId: f.case } : {}),
            siteIds,
          });
          if (f.confirm) plan = await confirmPlan(s, actor, plan.planId, f.seats ? { vehicleSeats: f.seats } : {});
          if (f.json) console.log(JSON.stringify(plan, null, 2));
          else printPlan(plan);
        }),
    );

  cmd
    .command('pickups <planId>')
    .description('the pick-up list of a confirmed plan, a vehicle at a time (names masked)')
    .option('--json', 'print JSON')
    .action(async (planId: string, f: { json?: boolean }) =>
      withServices(opts(), async (s) => {
        const list = await pickupList(s, await quarantineOperator(s), planId);
        if (f.json) return console.log(JSON.stringify(list, null, 2));
        for (const v of list.vehicles) {
          console.log(`${v.vehicle} → ${v.siteName} (${v.siteAddress}), ${v.seats} seat(s)`);
          for (const stop of v.stops)
            console.log(`  ${stop.address}: ${stop.people.map((p) => `${p.name} (${p.roomNumber})`).join(', ')}`);
        }
      }),
    );
}
