// cordon stock items|warehouses|import|report|alerts: the supply reserves at a terminal. The operator
// acts with the logistics task force's rights over the whole deployment and is recorded in the audit
// chain as cli:<user>. An import is a CSV of movements, checked whole (each fault with its row and
// column) and applied all or nothing.
import fs from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import type { Actor } from '../access/access.rules.ts';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { areaByCode, rootArea } from '../db/sql.ts';
import { AppError, type Fault } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { MOVEMENT_KINDS, type MovementKind } from './reserves.rules.ts';
import type { MovementBody } from './reserves.schema.ts';
import { catalogue, importMovements, listAlerts, listWarehouses, reservesReport } from './reserves.service.ts';

async function operator(s: Services): Promise<Actor> {
  const a = cliActor();
  const root = await rootArea(s.db);
  return {
    userId: a.id ?? 'cli',
    username: a.name,
    displayName: a.name,
    role: 'logistics',
    areaId: root?.id ?? '',
    areaPath: '',
    via: 'token',
  };
}

/** The CSV's columns; the first row names them (any order), blank cells are absent. */
export const MOVEMENT_COLUMNS = [
  'kind',
  'warehouse',
  'item',
  'unit',
  'quantity',
  'per_household',
  'to_warehouse',
  'community',
  'reference',
  'note',
  'occurred_at',
] as const;

/**
 * The CSV's rows as movement bodies; warehouses by id or by name, communities by area code, times as
 * ISO 8601. Each fault names its row (the header is row 1) and column; none is imported when any.
 */
export async function movementsFromCsv(
  s: Services,
  actor: Actor,
  text: string,
): Promise<Array<{ row: number; body: MovementBody }>> {
  const records = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true }) as Array<
    Record<string, string>
  >;
  const warehouses = (await listWarehouses(s, actor, {}, { limit: 500, offset: 0 })).items;
  const byName = new Map(warehouses.map((w) => [w.name, w.id]));
  const warehouseRef = (v: string) => byName.get(v) ?? v;
  const faults: Fault[] = [];
  const out: Array<{ row: number; body: MovementBody }> = [];
  for (const [i, r] of records.entries()) {
    const row = i + 2;
    const bad = (column: string, code: Fault['code'], params: Record<string, string> = {}) =>
      faults.push({ row, column, field: column, code, params: { field: column, ...params } });
    const cell = (c: string) => (r[c] ?? '').trim() || undefined;
    const kind = cell('kind');
    if (!kind || !(MOVEMENT_KINDS as readonly string[]).includes(kind)) bad('kind', 'VALIDATION');
    const num = (c: string) => {
      const v = cell(c);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        bad(c, 'STOCK_QUANTITY_INVALID');
        return undefined;
      }
      return n;
    };
    const quantity = num('quantity');
    const perHousehold = num('per_household');
    let occurredAt: number | undefined;
    const at = cell('occurred_at');
    if (at !== undefined) {
      occurredAt = Date.parse(at);
      if (!Number.isFinite(occurredAt)) bad('occurred_at', 'VALIDATION');
    }
    let communityId: string | undefined;
    const community = cell('community');
    if (community !== undefined) {
      const area = await areaByCode(s.db, community);
      if (!area) bad('community', 'AREA_NOT_FOUND');
      communityId = area?.id;
    }
    for (const c of ['warehouse', 'item', 'unit']) if (cell(c) === undefined) bad(c, 'STOCK_MOVEMENT_INCOMPLETE');
    const to = cell('to_warehouse');
    out.push({
      row,
      body: {
        kind: (kind ?? 'in') as MovementKind,
        warehouseId: warehouseRef(cell('warehouse') ?? ''),
        item: cell('item') ?? '',
        unit: cell('unit') ?? '',
        ...(quantity !== undefined ? { quantity } : {}),
        ...(perHousehold !== undefined ? { perHousehold } : {}),
        ...(to ? { toWarehouseId: warehouseRef(to) } : {}),
        ...(communityId ? { communityId } : {}),
        ...(cell('reference') ? { reference: cell('reference') } : {}),
        ...(cell('note') ? { note: cell('note') } : {}),
        ...(occurredAt !== undefined && Number.isFinite(occurredAt) ? { occurredAt } : {}),
      },
    });
  }
  if (faults.length) throw new AppError('STOCK_IMPORT_INVALID', {}, { faults });
  return out;
}

const fixed = (n: number | null, d = 1) => (n === null ? '-' : n.toFixed(d));

export function registerStockCommands(program: Command): void {
  const cmd = program
    .command('stock')
    .description('supply reserves (物资储备): items, warehouses, movement imports, days of supply');

  cmd
    .command('items')
    .description('the reserves catalogue: items, their units and thresholds (rules/reserves.json)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const c = catalogue(s, await operator(s));
        if (flags.json) return console.log(JSON.stringify(c));
        for (const i of c.items)
          console.log(
            `${i.code}\t${i.zh}\t${i.units.join(',')}\twarn<${i.warnDays ?? '-'}d\tcritical<${i.criticalDays ?? '-'}d`,
          );
      });
    });

  cmd
    .command('warehouses')
    .description('warehouses and their stock')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const page = await listWarehouses(s, await operator(s), {}, { limit: 500, offset: 0 });
        if (flags.json) return console.log(JSON.stringify(page));
        for (const w of page.items) {
          console.log(`${w.id}\t${w.name}\t${w.areaName}\t${w.ownerUnit}`);
          for (const l of w.stock) console.log(`\t${l.item}\t${l.quantity} ${l.unit}`);
        }
      });
    });

  cmd
    .command('import <file>')
    .description(`import movements from CSV (columns: ${MOVEMENT_COLUMNS.join(', ')}); all rows or none`)
    .action(async (file: string) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const actor = await operator(s);
        const rows = await movementsFromCsv(s, actor, fs.readFileSync(file, 'utf8'));
        const r = await importMovements(s, actor, rows);
        console.log(`imported ${r.imported} movements`);
      });
    });

  cmd
    .command('report')
    .description('days of supply per item and district')
    .option('--area <code>', 'an area code (default: the whole deployment)')
    .option('--json', 'print JSON')
    .action(async (flags: { area?: string; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const area = flags.area ? await areaByCode(s.db, flags.area) : undefined;
        if (flags.area && !area) throw new AppError('AREA_NOT_FOUND');
        const r = await reservesReport(s, await operator(s), { areaId: area?.id });
        if (flags.json) return console.log(JSON.stringify(r));
        console.log(`item\tarea\tstock\tper day\tbasis\tdays\tlevel`);
        for (const x of r.rows)
          console.log(
            `${x.item}\t${x.areaId ? x.areaName : `${x.areaName} (total)`}\t${x.stock} ${x.unit}\t${fixed(x.dailyConsumption, 3)}\t${x.basis}\t${fixed(x.daysOfSupply)}\t${x.level}`,
          );
      });
    });

  cmd
    .command('alerts')
    .description('open alerts: items under their days-of-supply level')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const alerts = await listAlerts(s, await operator(s), {});
        if (flags.json) return console.log(JSON.stringify(alerts));
        for (const a of alerts)
          console.log(`${a.level}\t${a.item}\t${a.areaName}\t${fixed(a.daysOfSupply)} d < ${a.thresholdDays} d`);
      });
    });
}
