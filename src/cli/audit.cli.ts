// cordon audit verify: walks the keyed hash chain (and checks it against the signed anchors with
// --anchors DIR) and names the first broken event. cordon audit anchor: writes a signed head now.
import path from 'node:path';
import type { Command } from 'commander';
import type { ChainVerdict } from '../platform/audit.ts';
import { verifyWithAnchors, writeAnchorNow } from '../platform/audit.anchors.ts';
import { withServices, type GlobalOptions } from './context.ts';

function describe(v: ChainVerdict): string {
  const anchors = v.anchors
    ? `; ${v.anchors.checked} anchor(s) in ${v.anchors.dir}${v.anchors.newest ? `, newest ${new Date(v.anchors.newest.at).toISOString()} at event ${v.anchors.newest.seq}` : ''}`
    : '';
  if (v.ok)
    return `audit chain intact: ${v.events} events, head ${v.headHash.slice(0, 16)}…, keyed from event ${v.keyedFrom ?? '—'}${anchors}`;
  const where = v.brokenAt !== undefined ? ` at event ${v.brokenAt}` : '';
  return `audit chain BROKEN${where}: ${v.problem}${v.anchor ? ` [anchor ${v.anchor}]` : ''} (${v.events} events verified before it)`;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description(
      'verify the audit chain (and against the signed anchors in DIR); exits non-zero and names the first broken event',
    )
    .option('--anchors <dir>', 'check the chain against every anchor in this directory (e.g. the off-host copy)')
    .option('--json', 'print the verdict as JSON')
    .action(async (opts: { json?: boolean; anchors?: string }) => {
      const dir = opts.anchors ? path.resolve(opts.anchors) : null;
      const verdict = await withServices(program.opts<GlobalOptions>(), (s) => verifyWithAnchors(s, dir, true));
      if (opts.json) console.log(JSON.stringify(verdict));
      else if (verdict.ok) console.log(describe(verdict));
      else console.error(describe(verdict));
      if (!verdict.ok) process.exitCode = 1;
    });
  audit
    .command('anchor')
    .description(
      'write a signed head of the chain to the anchor directory now (the server writes one every CORDON_AUDIT_ANCHOR_MINUTES)',
    )
    .option('--dir <dir>', 'anchor directory (default $CORDON_AUDIT_ANCHOR_DIR or DATA_DIR/audit-anchors)')
    .action(async (opts: { dir?: string }) => {
      const written = await withServices(program.opts<GlobalOptions>(), (s) =>
        writeAnchorNow(s, opts.dir ? path.resolve(opts.dir) : undefined),
      );
      console.log(
        `anchored event ${written.anchor.seq} (${written.anchor.hash.slice(0, 16)}…) at ${written.anchor.time} in ${written.file}`,
      );
    });
}
