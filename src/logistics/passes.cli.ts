// cordon passes list|verify|link-account [--json]: vehicle passes at a terminal. The operator acts
// with the command centre's rights over the whole deployment and is recorded in the audit chain as
// cli:<user>.
import type { Command } from 'commander';
import type { Actor } from '../access/access.rules.ts';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { rootArea } from '../db/sql.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { linkAccountByUsername } from './enterprises.service.ts';
import { PASS_STATUSES, type PassStatus } from './passes.rules.ts';
import type { PassView } from './passes.schema.ts';
import { listPasses, verifyPass } from './passes.service.ts';

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

function line(p: PassView): string {
  return `${p.number ?? '(applied)'}\t${p.plate}\t${p.state}\t${p.origin.code}→${p.destination.code}\t${p.cargoCategory}\t${p.validFrom}~${p.validUntil}\t${p.enterpriseName}\t${p.id}`;
}

export function registerPassCommands(program: Command): void {
  const cmd = program
    .command('passes')
    .description('vehicle passes (重点物资运输车辆通行证): list, verify, link accounts');

  cmd
    .command('list')
    .description('passes, newest application first')
    .option('--status <status>', PASS_STATUSES.join(' | '))
    .option('--json', 'print JSON')
    .action(async (flags: { status?: string; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        if (flags.status && !(PASS_STATUSES as readonly string[]).includes(flags.status))
          throw new AppError('VALIDATION', { detail: `--status must be one of ${PASS_STATUSES.join(', ')}` });
        const page = await listPasses(
          s,
          await operator(s),
          { status: flags.status as PassStatus | undefined },
          { limit: 500, offset: 0 },
        );
        if (flags.json) console.log(JSON.stringify(page));
        else {
          console.log(`${page.total} passes`);
          for (const p of page.items) console.log(line(p));
        }
      });
    });

  cmd
    .command('verify')
    .description('check a pass as a checkpoint does: its signed code or its number, and the plate in front')
    .option('--code <token>', 'the scanned QR (lp1.…)')
    .option('--number <number>', 'the 12-digit number of a paper pass')
    .option('--plate <plate>', 'the plate of the vehicle')
    .option('--json', 'print JSON')
    .action(async (flags: { code?: string; number?: string; plate?: string; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const r = await verifyPass(s, await operator(s), {
          code: flags.code,
          number: flags.number,
          plate: flags.plate,
        });
        console.log(flags.json ? JSON.stringify(r) : `valid\t${line(r.pass)}`);
      });
    });

  cmd
    .command('link-account')
    .description('an account acts for an enterprise (its portal) or reviews for a department')
    .requiredOption('--user <username>', 'the account')
    .option('--enterprise <id>', 'the enterprise it acts for')
    .option('--department <code>', 'the department it reviews for (rules/logistics.json)')
    .action(async (flags: { user: string; enterprise?: string; department?: string }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        await linkAccountByUsername(s, cliActor(), flags.user, {
          enterpriseId: flags.enterprise,
          department: flags.department,
        });
        console.log(`linked ${flags.user}`);
      });
    });
}
