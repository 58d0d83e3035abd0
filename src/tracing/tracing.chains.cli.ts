// cordon chains [--from DATE] [--to DATE] [--area CODE] [--cluster ID] [--format text|csv|json|graphml] [--out FILE]:
// the transmission-chain clusters as a table, or the graph as a file (CSV edge list, JSON, GraphML for
// Gephi / yEd), names masked. Audited as a read by the operator at the terminal.
import fs from 'node:fs';
import type { Command } from 'commander';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { isoInZone } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { areaByCode } from '../db/sql.ts';
import { parseExportTime } from '../venues/checkin.export.ts';
import { exportChains } from './tracing.chains.service.ts';
import { CHAIN_CONTACT_CLASSES, type ChainCluster } from './tracing.chains.ts';

interface ChainFlags {
  from?: string;
  to?: string;
  area?: string;
  cluster?: string;
  classes?: string;
  format?: string;
  out?: string;
}

export function registerChainCommands(program: Command): void {
  program
    .command('chains')
    .description(
      'transmission-chain clusters (text), or the chain graph as csv | json | graphml (names masked; audited)',
    )
    .option('--from <time>', 'keep what happened from this date / ISO time / epoch ms')
    .option('--to <time>', 'up to this date (inclusive) / ISO time / epoch ms')
    .option('--area <code>', "cases of this area code's subtree")
    .option('--cluster <id>', 'only this cluster (its first case id)')
    .option('--classes <list>', 'contacts of these classes only: close,secondary,general (cases always)')
    .option('--format <format>', 'text | csv | json | graphml', 'text')
    .option('--out <file>', 'write the file here instead of standard output')
    .action(async (flags: ChainFlags) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const zone = s.config.timeZone;
        let areaId: string | undefined;
        if (flags.area) {
          const area = await areaByCode(s.db, flags.area);
          if (!area) throw new AppError('AREA_NOT_FOUND');
          areaId = area.id;
        }
        const classes = flags.classes
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean);
        const unknown = classes?.find((c) => !(CHAIN_CONTACT_CLASSES as readonly string[]).includes(c));
        if (unknown !== undefined || (classes && classes.length === 0))
          throw new Error(`unknown class ${unknown ?? flags.classes}: close, secondary or general`);
        const format = flags.format === 'text' ? 'json' : flags.format;
        if (format !== 'json' && format !== 'csv' && format !== 'graphml')
          throw new Error(`unknown format ${flags.format}: text, csv, json or graphml`);
        const file = await exportChains(
          s,
          { audit: cliActor(), areaPath: '' },
          {
            from: parseExportTime(flags.from, zone, 'from'),
            to: parseExportTime(flags.to, zone, 'to'),
            areaId,
            cluster: flags.cluster,
            classes: classes?.join(','),
            format,
            lang: 'en',
          },
        );
        if (flags.format !== 'text') {
          if (flags.out) fs.writeFileSync(flags.out, file.body);
          else process.stdout.write(file.body);
          return;
        }
        const clusters = (JSON.parse(file.body) as { clusters: ChainCluster[] }).clusters;
        const at = (ms: number | null) => (ms === null ? '-' : isoInZone(ms, zone));
        console.log(`clusters\t${clusters.length}`);
        for (const c of clusters) {
          console.log(
            `${c.id}\t${c.label}\tcases ${c.cases}\tpeople ${c.people}\t${at(c.firstAt)} → ${at(c.lastAt)}\t${c.venues.map((v) => v.name).join(', ') || '-'}`,
          );
        }
      });
    });
}
