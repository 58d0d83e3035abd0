// cordon audit verify: walks the hash chain and names the first broken event.
import type { Command } from 'commander';
import { verifyAuditChain } from '../platform/audit.ts';
import { withServices, type GlobalOptions } from './context.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit.command('verify')
    .description('verify the audit chain; exits non-zero and names the first broken event')
    .option('--json', 'print the verdict as JSON')
    .action(async (opts: { json?: boolean }) => {
      const verdict = await withServices(program.opts<GlobalOptions>(), (s) => verifyAuditChain(s.db));
      if (opts.json) console.log(JSON.stringify(verdict));
      else if (verdict.ok) console.log(`audit chain intact: ${verdict.events} events, head ${verdict.headHash.slice(0, 16)}…`);
      else console.error(`audit chain BROKEN at event ${verdict.brokenAt}: ${verdict.problem} (${verdict.events} events verified before it)`);
      if (!verdict.ok) process.exitCode = 1;
    });
}
