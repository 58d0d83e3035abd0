// cordon venue list [--json] and cordon purge [--dry-run], as the system operator (whole area tree).
import type { Command } from 'commander';
import { CLI_LANG, cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { isoInZone } from '../platform/clock.ts';
import type { Services } from '../services.ts';
import { purgeCheckins, toVenueView } from './venue.service.ts';
import { listVenues } from './venue.store.ts';
import type { VenueView } from './venue.schema.ts';

async function allVenues(s: Services, filter: { status?: string; category?: string }): Promise<VenueView[]> {
  const out: VenueView[] = [];
  for (let offset = 0; ; offset += 500) {
    const { rows } = await listVenues(s.db, { path: '', ...filter }, { limit: 500, offset });
    out.push(...rows.map(toVenueView));
    if (rows.length < 500) return out;
  }
}

export function registerVenueCommands(program: Command): void {
  const venue = program.command('venue').description('venues and their codes (场所码)');
  venue.command('list')
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
        console.log([v.id, v.name, category, v.areaName, v.status, `capacity ${v.capacity}`, `code v${v.codeVersion}`, v.requiresPresence ? 'screen code' : ''].filter(Boolean).join('\t'));
      }
      console.log(`${list.length} venues`);
    });

  program.command('purge')
    .description('delete check-ins older than the retention (CORDON_RETENTION_DAYS, default 28); audited')
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
        console.log(`${report.dryRun ? 'would delete' : 'deleted'} ${report.checkins} check-ins that began before ${when} (retention ${report.retentionDays} days)`);
      });
    });
}
