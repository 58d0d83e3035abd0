// cordon rules …: list the rule sets, show one, validate files, activate one (audited, with a reason).
import path from 'node:path';
import type { Command } from 'commander';
import { cliActor, reportCliError, withServices, type GlobalOptions } from '../cli/context.ts';
import { loadRuleSetFile, loadRuleSets, ruleSetById, RULESETS_DIR } from './ruleset.load.ts';
import * as rulesets from './ruleset.service.ts';

export function registerRuleSetCommands(program: Command): void {
  const global = () => program.opts<GlobalOptions>();
  const rules = program.command('rules').description('versioned rule sets (防控方案 editions)');

  rules
    .command('list')
    .description('list the rule sets; * marks the active one')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const list = await withServices(global(), (s) => rulesets.listRuleSets(s));
      if (flags.json) {
        console.log(JSON.stringify(list));
        return;
      }
      for (const r of list.items) {
        console.log(
          [r.active ? '*' : ' ', r.id, r.version, `from ${r.effectiveFrom}`, `${r.name.zh} / ${r.name.en}`].join('\t'),
        );
      }
      console.log(
        list.chosen ? '(active: chosen by an administrator)' : '(active: the edition in force today; none chosen)',
      );
    });

  rules
    .command('show <id>')
    .description('print a rule set as validated JSON')
    .action((id: string) => {
      console.log(JSON.stringify(ruleSetById(id), null, 2));
    });

  rules
    .command('validate [files...]')
    .description(
      `validate rule-set files (default: every file in ${path.relative(process.cwd(), RULESETS_DIR) || RULESETS_DIR}); exits non-zero naming the file and field`,
    )
    .action((files: string[]) => {
      if (files.length === 0) {
        for (const r of loadRuleSets()) console.log(`ok\t${r.id}\t${r.version}\tfrom ${r.effectiveFrom}`);
        return;
      }
      for (const file of files) {
        try {
          const r = loadRuleSetFile(path.resolve(file));
          console.log(`ok\t${file}\t${r.id}\t${r.version}\tfrom ${r.effectiveFrom}`);
        } catch (err) {
          reportCliError(err);
        }
      }
    });

  rules
    .command('activate <id>')
    .description('make the rule set active for this deployment (audited)')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .action(async (id: string, flags: { reason: string }) => {
      const done = await withServices(global(), (s) => rulesets.setActiveRuleSet(s, cliActor(), id, flags.reason));
      console.log(`active rule set: ${done.id} ${done.version} (was ${done.previous ?? 'none'})`);
    });
}
