// cordon import persons FILE / cordon export persons: the roster from the terminal, as the system
// operator (whole area tree), with progress on a TTY and a rejects file for the rows that failed.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { AppError, localizeFaults } from '../platform/errors.ts';
import { CLI_LANG, cliActor, progressLine, withServices, type GlobalOptions } from '../cli/context.ts';
import { formatOf } from './roster.read.ts';
import { FAULT_LIST_CAP, importRoster, refused, rosterInvalid, type ImportReport } from './roster.import.ts';
import { exportRoster } from './roster.export.ts';
import { areaByCode } from '../db/sql.ts';

interface ImportFlags {
  dryRun?: boolean;
  partial?: boolean;
  newHousehold?: boolean;
  rejects?: string;
  json?: boolean;
}

interface ExportFlags {
  format: string;
  out?: string;
  area?: string;
  lang?: string;
  reveal?: boolean;
  reason?: string;
}

function summary(file: string, r: ImportReport, rejectsFile: string | null): string {
  const verb = r.dryRun ? 'would import' : 'imported';
  const lines = [
    `${file}: ${r.rows} rows, ${verb} ${r.imported} persons, ${r.householdsInFile} households (${r.households} new), ${r.buildingsInFile} buildings (${r.buildings} new), ${r.rejected} rejected`,
  ];
  if (refused(r)) lines.push('nothing was written: fix the rows below, or use --partial to import the good rows');
  if (rejectsFile) lines.push(`rejected rows with their errors: ${rejectsFile}`);
  return lines.join('\n');
}

export function registerRegistryCommands(program: Command): void {
  const importCmd = program.command('import').description('import data files');
  importCmd
    .command('persons <file>')
    .description('import a household roster (.csv in UTF-8 or .xlsx); whole file or nothing unless --partial')
    .option('--dry-run', 'validate everything (including duplicates in the registry) and write nothing')
    .option('--partial', 'write the good rows and reject the bad ones')
    .option(
      '--new-household',
      "where an address already has a household with another head, make the file's people a new household there (default: refuse the row)",
    )
    .option('--rejects <file>', 'where to write rejected rows with their errors (default <file>.rejects.csv)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: ImportFlags) => {
      const format = formatOf(file);
      if (!format) throw new AppError('ROSTER_FORMAT');
      if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
      const progress = progressLine('import');
      const report = await withServices(program.opts<GlobalOptions>(), (s) =>
        importRoster(s, { audit: cliActor(), areaPath: '' }, fs.createReadStream(file), {
          fileName: path.basename(file),
          format,
          dryRun: flags.dryRun,
          partial: flags.partial,
          newHouseholdOnHeadMismatch: flags.newHousehold,
          lang: CLI_LANG,
          onProgress: (done, phase) => progress(done, done, phase),
        }),
      );
      const rejectsFile = report.rejectsCsv ? (flags.rejects ?? `${file}.rejects.csv`) : null;
      if (rejectsFile) fs.writeFileSync(rejectsFile, report.rejectsCsv!);
      if (flags.json) {
        const { faults, warnings, rejectsCsv: _csv, ...counts } = report;
        console.log(
          JSON.stringify({
            ...counts,
            errors: localizeFaults(faults.slice(0, FAULT_LIST_CAP), CLI_LANG),
            totalErrors: faults.length,
            warnings: localizeFaults(warnings, CLI_LANG),
            rejectsFile,
          }),
        );
        if (refused(report) || (report.dryRun && !report.partial && report.rejected)) process.exitCode = 1;
        return;
      }
      for (const w of localizeFaults(report.warnings, CLI_LANG))
        console.error(`warning: ${w.row ? `row ${w.row}: ` : ''}${w.message}`);
      console.log(summary(file, report, rejectsFile));
      if (refused(report)) throw rosterInvalid(report, CLI_LANG);
      if (report.dryRun && !report.partial && report.rejected) process.exitCode = 1;
    });

  const exportCmd = program.command('export').description('export data files');
  exportCmd
    .command('persons')
    .description('export the household roster of an area (masked ID numbers and phones unless --reveal)')
    .requiredOption('--format <format>', 'csv or xlsx')
    .option('--out <file>', 'output file (default: standard output)')
    .option('--area <code>', 'area code of the subtree to export (default: all)')
    .option('--lang <lang>', 'header language: zh (default) or en')
    .option('--reveal', 'full ID numbers and phones (needs --reason; audited)')
    .option('--reason <text>', 'why the full values are needed')
    .action(async (flags: ExportFlags) => {
      if (flags.format !== 'csv' && flags.format !== 'xlsx') throw new AppError('ROSTER_FORMAT');
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        let areaId: string | null = null;
        if (flags.area) {
          const area = await areaByCode(s.db, flags.area);
          if (!area) throw new AppError('NOT_FOUND', { what: `area ${flags.area}` });
          areaId = area.id;
        }
        const result = await exportRoster(
          s,
          { audit: cliActor(), areaPath: '', areaId, mayReveal: true },
          {
            format: flags.format as 'csv' | 'xlsx',
            areaId: areaId ?? undefined,
            lang: flags.lang === 'en' ? 'en' : 'zh',
            reveal: flags.reveal,
            reason: flags.reason,
          },
        );
        try {
          await pipeline(result.stream, flags.out ? fs.createWriteStream(flags.out) : process.stdout);
        } catch (err) {
          // The reader of standard output went away (| head): not a failure of the export.
          if ((err as { code?: string }).code !== 'EPIPE') throw err;
        }
        if (flags.out) console.error(`${result.rows} persons written to ${flags.out}`);
      });
    });
}
