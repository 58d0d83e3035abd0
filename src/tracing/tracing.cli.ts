// cordon trace --person ID --onset DATE [--sampled TIME] [--isolated TIME] [--ruleset ID] [--json]:
// a dry trace (no case is registered) printing the contacts with their evidence and the parameters
// used: window, minimum overlap, padding rule, rule set id and version. Audited as a read.
import type { Command } from 'commander';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { isoInZone } from '../platform/clock.ts';
import { parseExportTime } from '../venues/checkin.export.ts';
import type { Encounter, FoundContact } from './tracing.rules.ts';
import { dryTrace, type DryTrace } from './tracing.service.ts';
import { registerChainCommands } from './tracing.chains.cli.ts';

interface TraceFlags {
  person: string;
  onset?: string;
  sampled?: string;
  isolated?: string;
  ruleset?: string;
  json?: boolean;
}

function printTrace(t: DryTrace, zone: string): void {
  const at = (ms: number | null) => (ms === null ? '-' : isoInZone(ms, zone));
  const p = t.parameters;
  console.log(`person\t${t.personId}\t${t.names[t.personId] ?? ''}`);
  console.log(`rule set\t${p.ruleSet.id} ${p.ruleSet.version}`);
  console.log(
    `window\t${at(t.window.start)} → ${at(t.window.end)} (${t.window.lookBackDays} days before ${t.window.anchor})`,
  );
  console.log(`minimum overlap\t${p.minimumOverlapMinutes} min`);
  console.log(
    `padding\tvisits under ${p.padding.dropVisitsShorterThanMinutes} min dropped; others extended by min(duration × ${p.padding.padFactor}, ${p.padding.padCapMinutes} min)`,
  );
  console.log(`secondary contacts\t${p.secondaryContacts ? 'identified' : 'not identified'}`);
  if (t.purgedBefore !== null)
    console.log(
      `WARNING\tcheck-ins before ${at(t.purgedBefore)} are purged: the window reaches further back than the data`,
    );
  const order: Record<string, number> = { close: 0, secondary: 1, general: 2 };
  const contacts = [...t.contacts].sort(
    (a, b) => order[a.class]! - order[b.class]! || (a.firstExposureAt ?? 0) - (b.firstExposureAt ?? 0),
  );
  console.log(`contacts\t${contacts.length}`);
  for (const c of contacts) printContact(c, t.names, at);
}

function printContact(c: FoundContact, names: Record<string, string>, at: (ms: number | null) => string): void {
  const kind = `${c.class}${c.candidate ? ' (candidate)' : ''}`;
  const via = c.sourcePersonId ? `\tvia ${c.sourcePersonId} ${names[c.sourcePersonId] ?? ''}` : '';
  console.log(
    `${kind}\t${c.personId}\t${names[c.personId] ?? ''}\t${c.reasonCode}\t${c.rule}\t${at(c.firstExposureAt)} → ${at(c.lastExposureAt)}${via}`,
  );
  const encounters = (c.evidence.encounters ?? []) as Encounter[];
  // A secondary contact's encounters are with the close contact it came through, not the case.
  const met = c.basis === 'secondary' ? 'close contact' : 'case';
  for (const e of encounters) {
    const visit = (v: Encounter['caseVisit']) =>
      `${at(v.enteredAt)}–${at(v.exitedAt)}${v.exitRecorded ? '' : ' (dwell)'}`;
    console.log(
      `  ${e.venueName} [${e.category}] ${e.venueId}: ${met} ${visit(e.caseVisit)}, contact ${visit(e.contactVisit)}, overlap ${e.overlapMinutes.toFixed(1)} min after padding → ${e.class}`,
    );
  }
}

export function registerTracingCommands(program: Command): void {
  program
    .command('trace')
    .description("find a person's contacts under the active rule set without registering a case (dry trace; audited)")
    .requiredOption('--person <id>', 'the person reference (registry id)')
    .option('--onset <time>', 'symptom onset: YYYY-MM-DD (start of that day), ISO time with offset, or epoch ms')
    .option('--sampled <time>', 'first positive sampling (the anchor when there is no onset)')
    .option('--isolated <time>', 'when the person was isolated (the window ends there; default now)')
    .option('--ruleset <id>', 'trace under this rule set instead of the active one')
    .option('--json', 'print the result as JSON')
    .action(async (flags: TraceFlags) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const zone = s.config.timeZone;
        const result = await dryTrace(
          s,
          cliActor(),
          {
            personId: flags.person,
            onsetAt: parseExportTime(flags.onset, zone, 'from') ?? null,
            sampledAt: parseExportTime(flags.sampled, zone, 'from') ?? null,
            isolatedAt: parseExportTime(flags.isolated, zone, 'from') ?? null,
          },
          flags.ruleset,
        );
        if (flags.json) console.log(JSON.stringify(result));
        else printTrace(result, zone);
      });
    });
  registerChainCommands(program);
}
