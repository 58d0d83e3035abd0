// cordon quarantine orders list|show|create|batch|extend|release|cancel|transfer [--json]: quarantine orders at
// a terminal. The operator acts with the command centre's rights over the whole deployment and is
// recorded in the audit chain as cli:<user>. Joins the `quarantine` command when another part of the
// module made it already.
import type { Command } from 'commander';
import type { Actor } from '../access/access.rules.ts';
import { withServices, type GlobalOptions } from '../cli/context.ts';
import { isoInZone } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import {
  ORDER_KINDS,
  ORDER_PLACES,
  ORDER_STATUSES,
  type OrderKind,
  type OrderPlace,
  type OrderStatus,
} from './orders.rules.ts';
import type { OrderView } from './orders.schema.ts';
import {
  batchOrders,
  cancelOrder,
  createOrder,
  extendOrder,
  getOrder,
  listOrders,
  releaseOrder,
} from './orders.service.ts';
import { CARE_NEEDS, type CareNeed } from './hospitals.rules.ts';
import { transferOptions, transferToHospital } from './transfer.service.ts';
import { oneOf, quarantineCommand, quarantineOperator } from './quarantine.cli.ts';

function instant(value: string, flag: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new AppError('VALIDATION', { detail: `${flag}: an ISO time with its offset, or epoch ms` });
  return ms;
}

function line(o: OrderView, zone: string): string {
  const day = o.status === 'active' ? `day ${o.day} (${o.phase} ${o.phaseDay})` : '-';
  return `${o.id}\t${o.personName}\t${o.areaName}\t${o.kind}\t${o.place}\t${o.status}\t${day}\tends ${isoInZone(o.endsAt, zone)}`;
}

export function registerQuarantineOrderCommands(program: Command): void {
  const parent = quarantineCommand(program);
  const cmd = parent
    .command('orders')
    .description('quarantine orders (隔离医学观察): list, show, issue, extend, release, cancel, hospital transfer');
  const run = (fn: (s: Services, actor: Actor) => Promise<void>) =>
    withServices(program.opts<GlobalOptions>(), async (s) => fn(s, await quarantineOperator(s)));

  cmd
    .command('list')
    .description('orders (default: active)')
    .option('--status <status>', `${ORDER_STATUSES.join(' | ')} | all`, 'active')
    .option('--kind <kind>', ORDER_KINDS.join(' | '))
    .option('--place <place>', ORDER_PLACES.join(' | '))
    .option('--case <caseId>', 'the contacts of one case')
    .option('--json', 'print JSON')
    .action(async (f: { status: string; kind?: string; place?: string; case?: string; json?: boolean }) =>
      run(async (s, actor) => {
        const page = await listOrders(
          s,
          actor,
          {
            status: f.status === 'all' ? undefined : oneOf<OrderStatus>(f.status, ORDER_STATUSES, '--status'),
            kind: oneOf<OrderKind>(f.kind, ORDER_KINDS, '--kind'),
            place: oneOf<OrderPlace>(f.place, ORDER_PLACES, '--place'),
            caseId: f.case,
          },
          { limit: 500, offset: 0 },
        );
        if (f.json) console.log(JSON.stringify(page));
        else {
          console.log(`${page.total} orders`);
          for (const o of page.items) console.log(line(o, s.config.timeZone));
        }
      }),
    );

  cmd
    .command('show <id>')
    .description('one order: schedule with results, events, whether it may be released')
    .option('--json', 'print JSON')
    .action(async (id: string, f: { json?: boolean }) =>
      run(async (s, actor) => {
        const d = await getOrder(s, actor, id);
        if (f.json) return console.log(JSON.stringify(d));
        console.log(line(d.order, s.config.timeZone));
        for (const t of d.ticks) console.log(`  ${t.phase} day ${t.day}\t${t.date}\t${t.state}`);
        for (const e of d.events) console.log(`  ${isoInZone(e.at, s.config.timeZone)}\t${e.kind}`);
        console.log(
          d.release.releasable ? 'releasable' : `not releasable: ${d.release.faults.map((x) => x.code).join(', ')}`,
        );
      }),
    );

  cmd
    .command('create <personId>')
    .description('one person: from a contact (--contact), or with --kind and --start')
    .option('--contact <contactId>')
    .option('--kind <kind>', ORDER_KINDS.join(' | '))
    .option('--start <time>', 'the last exposure or arrival (ISO with offset, or epoch ms)')
    .option('--reason <text>')
    .action(async (personId: string, f: { contact?: string; kind?: string; start?: string; reason?: string }) =>
      run(async (s, actor) => {
        const o = await createOrder(s, actor, {
          personId,
          contactId: f.contact,
          kind: oneOf<OrderKind>(f.kind, ORDER_KINDS, '--kind'),
          startAt: f.start ? instant(f.start, '--start') : undefined,
          reason: f.reason,
        });
        console.log(line(o, s.config.timeZone));
      }),
    );

  cmd
    .command('batch <source> <sourceId>')
    .description(
      'every confirmed close contact of a case, the members of a pool (with --kind), the arrivals of a risk area',
    )
    .option('--kind <kind>', ORDER_KINDS.join(' | '))
    .option('--reason <text>')
    .action(async (source: string, sourceId: string, f: { kind?: string; reason?: string }) =>
      run(async (s, actor) => {
        const src = oneOf(source, ['case', 'pool', 'risk_area'] as const, 'source')!;
        const out = await batchOrders(s, actor, {
          source: src,
          sourceId,
          kind: oneOf<OrderKind>(f.kind, ORDER_KINDS, '--kind'),
          reason: f.reason,
        });
        console.log(`${out.created.length} orders issued, ${out.skipped.length} skipped`);
        for (const o of out.created) console.log(line(o, s.config.timeZone));
        for (const x of out.skipped) console.log(`skipped ${x.personId}: ${x.code}`);
      }),
    );

  cmd
    .command('extend <id>')
    .description('a new exposure: the schedule restarts from it')
    .requiredOption('--exposure <time>', 'ISO with offset, or epoch ms')
    .requiredOption('--reason <text>')
    .action(async (id: string, f: { exposure: string; reason: string }) =>
      run(async (s, actor) => {
        const d = await extendOrder(s, actor, id, { exposureAt: instant(f.exposure, '--exposure'), reason: f.reason });
        console.log(line(d.order, s.config.timeZone));
      }),
    );

  cmd
    .command('release <id>')
    .description('release when the rule set allows; refused naming the missing day or test')
    .option('--note <text>')
    .action(async (id: string, f: { note?: string }) =>
      run(async (s, actor) => {
        const r = await releaseOrder(s, actor, id, { note: f.note });
        console.log(line(r.order, s.config.timeZone));
        if (r.followOn) console.log(`follows: ${line(r.followOn, s.config.timeZone)}`);
        console.log(`certificate: ${r.certificateUrl}`);
      }),
    );

  cmd
    .command('cancel <id>')
    .requiredOption('--reason <text>')
    .action(async (id: string, f: { reason: string }) =>
      run(async (s, actor) => {
        const d = await cancelOrder(s, actor, id, f.reason);
        console.log(line(d.order, s.config.timeZone));
      }),
    );

  cmd
    .command('transfer [orderId]')
    .description(
      "closed-loop transfer to a designated hospital that takes the person's colour and need; " +
        'without --hospital, list the hospitals that would',
    )
    .option('--case <caseId>', 'transfer a case instead of an order')
    .requiredOption('--need <need>', CARE_NEEDS.join(' | '))
    .option('--hospital <hospitalId>')
    .option('--vehicle <vehicle>')
    .option('--escort <name>')
    .option('--at <time>', 'when the person left: ISO with offset, or epoch ms (default now)')
    .option('--note <text>')
    .action(
      async (
        orderId: string | undefined,
        f: {
          case?: string;
          need: string;
          hospital?: string;
          vehicle?: string;
          escort?: string;
          at?: string;
          note?: string;
        },
      ) =>
        run(async (s, actor) => {
          const need = oneOf<CareNeed>(f.need, CARE_NEEDS, '--need')!;
          const subject = { ...(orderId ? { orderId } : {}), ...(f.case ? { caseId: f.case } : {}) };
          if (!f.hospital) {
            const o = await transferOptions(s, actor, { ...subject, need });
            console.log(`colour ${o.colour}, need ${o.need}: ${o.items.length} hospital(s)`);
            for (const h of o.items) console.log(`${h.id}  ${h.name}  free beds ${h.bedsFree}  ${h.phone}`);
            return;
          }
          if (!f.vehicle || !f.escort)
            throw new AppError('VALIDATION', { detail: '--vehicle and --escort are required with --hospital' });
          const t = await transferToHospital(s, actor, {
            ...subject,
            hospitalId: f.hospital,
            need,
            vehicle: f.vehicle,
            escort: f.escort,
            ...(f.at ? { at: instant(f.at, '--at') } : {}),
            ...(f.note ? { note: f.note } : {}),
          });
          console.log(
            `${t.transferId}: ${t.personName} → ${t.hospitalName} (${t.need}, ${t.colour}) by ${t.vehicle}, escort ${t.escort}` +
              (t.roomAwaitsDisinfection ? '; the room awaits its terminal disinfection' : ''),
          );
        }),
    );
}
