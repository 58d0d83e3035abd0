// cordon venue list [--json], cordon purge [--dry-run] and cordon export checkins, as the system operator
// (whole area tree).
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { CLI_LANG, cliActor, cliConfig, withServices, type GlobalOptions } from '../cli/context.ts';
import { AppError } from '../platform/errors.ts';
import { isoInZone } from '../platform/clock.ts';
import type { Services } from '../services.ts';
import { purgeCheckins, toVenueView } from './venue.service.ts';
import { exportCheckins, type CheckinExportFormat } from './checkin.export.ts';
import { listVenues } from './venue.store.ts';
import type { VenueView } from './venue.schema.ts';
import { posterForOperator, posterFormat, publicBaseUrl, renderPoster } from './venue.poster.ts';

async function allVenues(s: Services, filter: { status?: string; category?: string }): Promise<VenueView[]> {
  const out: VenueView[] = [];
  for (let offset = 0; ; offset += 500) {
    const { rows } = await listVenues(s.db, { path: '', ...filter }, { limit: 500, offset });
    out.push(...rows.map((row) => toVenueView(row, s.cipher)));
    if (rows.length < 500) return out;
  }
}

export function registerVenueCommands(program: Command): void {
  const venue = program.command('venue').description('venues and their codes (场所码)');
  venue
    .command('list')
    .description('list venues with category, area, status, capacity and code version')
    .option('--status <status>', 'pending, approved or suspended')
    .option('--category <key>', 'a category key of rules/venue-categories.json')
    .option('--json', 'print JSON lines, one venue per line')
    .action(async (opts: { status?: string; category?: string; json?: boolean }) => {
      const list = await withServices(program.opts<GlobalOptions>(), (s) => allVenues(s, opts));
      if (opts.json) {
        for (const v of list) console.log(JSON.stringify(v));
        return;
      }
      if (list.length === 0) {
        console.log('no venues');
        return;
      }
      for (const v of list) {
        const category = CLI_LANG === 'zh' ? v.categoryName.zh : v.categoryName.en;
        console.log(
          [
            v.id,
            v.name,
            category,
            v.areaName,
            v.status,
            `capacity ${v.capacity}`,
            `code v${v.codeVersion}`,
            v.requiresPresence ? 'screen code' : '',
          ]
            .filter(Boolean)
            .join('\t'),
        );
      }
      console.log(`${list.length} venues`);
    });

  venue
    .command('poster')
    .description('write the printable A4 poster of an approved venue (场所码海报); the format follows the extension')
    .argument('<venue>', 'venue id')
    .requiredOption('--out <file>', 'output file: FILE.pdf or FILE.png')
    .option('--base-url <url>', 'the address residents reach this server at (default $CORDON_PUBLIC_URL)')
    .action(async (venueId: string, opts: { out: string; baseUrl?: string }) => {
      const format = posterFormat(path.extname(opts.out));
      const baseUrl = publicBaseUrl(opts.baseUrl ?? cliConfig(program.opts<GlobalOptions>()).publicUrl);
      const file = await withServices(program.opts<GlobalOptions>(), async (s) =>
        renderPoster(await posterForOperator(s, venueId, baseUrl), format, s.config.cjkFont),
      );
      fs.writeFileSync(opts.out, file);
      console.error(`poster of venue ${venueId} written to ${opts.out} (${format}, ${file.length} bytes)`);
    });

  // `export` is created by the registry's commands (export persons); join it, or create it if absent.
  const exportCmd =
    program.commands.find((c) => c.name() === 'export') ?? program.command('export').description('export data files');
  exportCmd
    .command('checkins')
    .description('export check-ins with person references (no names or ID numbers); audited')
    .requiredOption('--format <format>', 'csv or xlsx')
    .option('--from <time>', 'first entry time: YYYY-MM-DD, ISO time with offset, or epoch ms')
    .option('--to <time>', 'entries before this time (a date: up to the end of that day)')
    .option('--venue <id>', 'one venue only')
    .option('--out <file>', 'output file (default: standard output)')
    .action(async (flags: { format: string; from?: string; to?: string; venue?: string; out?: string }) => {
      if (flags.format !== 'csv' && flags.format !== 'xlsx') throw new AppError('CHECKIN_EXPORT_FORMAT');
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const result = await exportCheckins(
          s,
          { audit: cliActor(), areaPath: '' },
          {
            format: flags.format as CheckinExportFormat,
            from: flags.from,
            to: flags.to,
            venueId: flags.venue,
            lang: CLI_LANG,
          },
        );
        try {
          await pipeline(result.stream, flags.out ? fs.createWriteStream(flags.out) : process.stdout);
        } catch (err) {
          // The reader of standard output went away (| head): not a failure of the export.
          if ((err as { code?: string }).code !== 'EPIPE') throw err;
        }
        if (flags.out) console.error(`${result.rows} check-ins written to ${flags.out}`);
      });
    });

  program
    .command('purge')
    .description(
      'delete check-ins older than the retention (CORDON_RETENTION_DAYS, default 28); audited, and recorded with its cutoff for tracing',
    )
    .option('--dry-run', 'count what would be deleted and delete nothing')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { dryRun?: boolean; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const report = await purgeCheckins(s, undefined, { actor: cliActor(), dryRun: opts.dryRun });
        if (opts.json) {
          console.log(JSON.stringify(report));
          return;
        }
        const when = isoInZone(report.before, s.config.timeZone);
        const batches = report.dryRun ? '' : ` in ${report.batches} batch${report.batches === 1 ? '' : 'es'}`;
        console.log(
          `${report.dryRun ? 'would delete' : 'deleted'} ${report.checkins} check-ins that began before ${when}${batches} (retention ${report.retentionDays} days)`,
        );
      });
    });
}
