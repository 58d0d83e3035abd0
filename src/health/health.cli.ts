// cordon health show --person ID [--json]: a person's colour with its reasons, end conditions, latest
// test and history (audited as a read). cordon health recompute [--person ID…] [--all]: recompute
// under the active rule set, then record colours whose end condition has been reached.
import type { Command } from 'commander';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { isoInZone } from '../platform/clock.ts';
import type { HealthView } from './health.schema.ts';
import { personHealthAs, recompute, sweepEndConditions } from './health.service.ts';
import { writeColoursRuleSet } from './health.store.ts';

function endsText(r: HealthView['reasons'][number], at: (ms: number | null) => string): string {
  const e = r.endsWhen;
  const how =
    e.kind === 'negative_tests'
      ? `${e.count} negative test(s) ≥ ${e.minHoursApart} h apart`
      : e.kind === 'days'
        ? `${e.days} days`
        : e.kind === 'released'
          ? 'release from isolation'
          : 'end of quarantine';
  return `ends: ${how}${r.endsAt !== null ? ` (${at(r.endsAt)})` : ''}`;
}

function printHealth(v: HealthView, zone: string): void {
  const at = (ms: number | null) => (ms === null ? '-' : isoInZone(ms, zone));
  console.log(`person\t${v.person.id}\t${v.person.maskedName}`);
  console.log(`colour\t${v.colour}`);
  console.log(`rule set\t${v.ruleSet.id} ${v.ruleSet.version}`);
  if (v.override) console.log(`manual change\t${v.override.id}\t${v.override.colour} until ${at(v.override.until)}`);
  for (const r of v.reasons)
    console.log(
      `reason\t${r.colour}\t${r.rule}\t${r.fact}\tsince ${at(r.since)}\t${endsText(r, at)}\t${r.source.type}:${r.source.id}`,
    );
  console.log(
    `latest test\t${v.latestTest ? `${v.latestTest.result} sampled ${at(v.latestTest.sampledAt)}${v.latestTest.pooled ? ' (pooled)' : ''}` : '-'}`,
  );
  for (const h of v.history)
    console.log(
      `history\t${at(h.at)}\t${h.from} → ${h.to}\t${h.actor.name}\t${h.basis}\t${h.ruleSet.id} ${h.ruleSet.version}`,
    );
  for (const a of v.appeals) console.log(`appeal\t${a.id}\t${a.status}\tdue ${at(a.dueAt)}`);
}

export function registerHealthCommands(program: Command): void {
  const health = program.command('health').description('health status codes (健康码)');
  health
    .command('show')
    .description("a person's colour with reasons, end conditions, latest test and history (audited)")
    .requiredOption('--person <id>', 'the person reference (registry id)')
    .option('--json', 'print as JSON')
    .action(async (flags: { person: string; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const view = await personHealthAs(s, cliActor(), flags.person);
        if (flags.json) console.log(JSON.stringify(view));
        else printHealth(view, s.config.timeZone);
      });
    });
  health
    .command('recompute')
    .description('recompute colours under the active rule set and record end conditions reached')
    .option('--person <id...>', 'these people')
    .option('--all', 'everyone with a fact or a colour')
    .option('--json', 'print as JSON')
    .action(async (flags: { person?: string[]; all?: boolean; json?: boolean }) => {
      await withServices(program.opts<GlobalOptions>(), async (s) => {
        const result = await recompute(s, cliActor(), { personIds: flags.person, all: flags.all ?? !flags.person });
        if (!flags.person)
          await writeColoursRuleSet(s.db, `${result.ruleSet.id}@${result.ruleSet.version}`, s.clock.now());
        const swept = await sweepEndConditions(s);
        if (flags.json) console.log(JSON.stringify({ ...result, endConditions: swept }));
        else
          console.log(
            `people\t${result.people}\nchanges\t${result.changes}\nend conditions\t${swept}\nrule set\t${result.ruleSet.id} ${result.ruleSet.version}`,
          );
      });
    });
}
