import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src/platform/errors.ts';
import { hasCode } from '../support/errors.ts';
import { loadRuleSetFile, loadRuleSets, ruleSetById, ruleSetFor, RULESETS_DIR } from '../../src/rules/ruleset.load.ts';
import { FACT_KINDS, type RuleSet } from '../../src/rules/ruleset.schema.ts';
import { malformed } from '../support/json.ts';

const original = (id: string) => JSON.parse(fs.readFileSync(path.join(RULESETS_DIR, `${id}.json`), 'utf8')) as RuleSet;

/** Writes a changed copy of a shipped rule set to a temporary directory and returns its path. */
function brokenCopy(id: string, change: (doc: RuleSet) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-ruleset-'));
  const doc = original(id);
  change(doc);
  const file = path.join(dir, `${id}.json`);
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

function invalidAt(file: string, field: string): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, 'RULESET_INVALID');
    assert.equal(err.params.file, file);
    assert.equal(err.params.path, field, `problem: ${err.params.problem}`);
    assert.ok(err.faults.some((f) => f.field === field));
    return true;
  };
}

test('the three shipped rule sets validate, oldest edition first', () => {
  const sets = loadRuleSets();
  assert.deepEqual(
    sets.map((r) => r.id),
    ['8th-edition', '9th-edition', '20-measures'],
  );
  assert.deepEqual(
    sets.map((r) => r.effectiveFrom),
    ['2021-05-11', '2022-06-28', '2022-11-11'],
  );
  for (const r of sets) {
    assert.ok(r.notes.length > 0, `${r.id} explains its own choices`);
    for (const rule of r.colourRules) assert.ok((FACT_KINDS as readonly string[]).includes(rule.when));
  }
});

test('the figures of RULES.md §1 are in the files', () => {
  const [eighth, ninth, twenty] = ['8th-edition', '9th-edition', '20-measures'].map((id) => ruleSetById(id));
  assert.deepEqual(
    [eighth!.closeContact.lookBackDays, ninth!.closeContact.lookBackDays, twenty!.closeContact.lookBackDays],
    [2, 4, 4],
  );
  assert.deepEqual(eighth!.management.close_contact.testDays.centralised, [1, 4, 7, 14]);
  assert.deepEqual([ninth!.management.close_contact.centralisedDays, ninth!.management.close_contact.homeDays], [7, 3]);
  assert.deepEqual(ninth!.management.close_contact.testDays, { centralised: [1, 2, 3, 5, 7], home: [3] });
  assert.deepEqual(twenty!.management.close_contact.testDays, { centralised: [1, 2, 3, 5], home: [1, 3] });
  assert.deepEqual(ninth!.management.secondary_contact?.testDays.home, [1, 4, 7]);
  assert.equal(twenty!.management.secondary_contact, undefined);
  assert.deepEqual(twenty!.riskAreas.levels, ['high', 'low']);
  assert.deepEqual(
    [eighth!.release.ctThreshold, ninth!.release.ctThreshold, twenty!.release.ctThreshold],
    [40, 35, 35],
  );
});

test('loaded rule sets cannot be changed by a decision', () => {
  const r = ruleSetById('9th-edition');
  assert.throws(() => {
    (r.closeContact as { lookBackDays: number }).lookBackDays = 1;
  }, TypeError);
});

test('the edition in force on a date, and a named one', () => {
  assert.equal(ruleSetFor('2021-05-11').id, '8th-edition');
  assert.equal(ruleSetFor('2022-06-27').id, '8th-edition');
  assert.equal(ruleSetFor('2022-06-28').id, '9th-edition');
  assert.equal(ruleSetFor('2022-11-10').id, '9th-edition');
  assert.equal(ruleSetFor('2023-01-01').id, '20-measures');
  assert.throws(() => ruleSetFor('2020-01-01'), hasCode('RULESET_NONE_IN_FORCE'));
  assert.throws(() => ruleSetById('10th-edition'), hasCode('RULESET_NOT_FOUND'));
});

test('a wrong type names the file and the field', () => {
  const file = brokenCopy('9th-edition', (d) => {
    d.closeContact.lookBackDays = malformed('four');
  });
  assert.throws(() => loadRuleSetFile(file), invalidAt(file, 'closeContact.lookBackDays'));
});

test('a missing field, an unknown field and a bad end condition are each named', () => {
  const missing = brokenCopy('8th-edition', (d) => {
    Reflect.deleteProperty(d.release, 'ctThreshold');
  });
  assert.throws(() => loadRuleSetFile(missing), invalidAt(missing, 'release.ctThreshold'));
  const extra = brokenCopy('8th-edition', (d) => {
    Object.assign(d.venueCoPresence, { minOverlap: 15 });
  });
  assert.throws(() => loadRuleSetFile(extra), invalidAt(extra, 'venueCoPresence.minOverlap'));
  const ends = brokenCopy('9th-edition', (d) => {
    d.colourRules[2].endsWhen = { kind: 'negative_tests', count: 0, minHoursApart: 24 };
  });
  assert.throws(() => loadRuleSetFile(ends), invalidAt(ends, 'colourRules[2].endsWhen.count'));
  const kind = brokenCopy('9th-edition', (d) => {
    d.colourRules[2].endsWhen = malformed({ kind: 'whenever' });
  });
  assert.throws(() => loadRuleSetFile(kind), invalidAt(kind, 'colourRules[2].endsWhen'));
});

test('a colour rule on an unknown fact kind is refused', () => {
  const file = brokenCopy('9th-edition', (d) => {
    d.colourRules[0].when = malformed('looked_unwell');
  });
  assert.throws(() => loadRuleSetFile(file), invalidAt(file, 'colourRules[0].when'));
});

test('cross-field: test days within the period, in order', () => {
  const late = brokenCopy('9th-edition', (d) => {
    d.management.close_contact.testDays.centralised = [1, 2, 3, 5, 7, 9];
  });
  assert.throws(() => loadRuleSetFile(late), invalidAt(late, 'management.close_contact.testDays.centralised[5]'));
  const home = brokenCopy('20-measures', (d) => {
    d.management.close_contact.testDays.home = [1, 4];
  });
  assert.throws(() => loadRuleSetFile(home), invalidAt(home, 'management.close_contact.testDays.home[1]'));
  const order = brokenCopy('9th-edition', (d) => {
    d.management.close_contact.testDays.centralised = [1, 3, 2];
  });
  assert.throws(() => loadRuleSetFile(order), invalidAt(order, 'management.close_contact.testDays.centralised'));
});

test('cross-field: effectiveFrom is a real date and the id matches the file', () => {
  const date = brokenCopy('9th-edition', (d) => {
    d.effectiveFrom = '2022-02-30';
  });
  assert.throws(() => loadRuleSetFile(date), invalidAt(date, 'effectiveFrom'));
  const text = brokenCopy('9th-edition', (d) => {
    d.effectiveFrom = 'June 2022';
  });
  assert.throws(() => loadRuleSetFile(text), invalidAt(text, 'effectiveFrom'));
  const id = brokenCopy('9th-edition', (d) => {
    d.id = 'ninth';
  });
  assert.throws(() => loadRuleSetFile(id), invalidAt(id, 'id'));
});

test('cross-field: secondary contacts, shadowed colour rules, categories, risk levels', () => {
  const secondary = brokenCopy('20-measures', (d) => {
    d.colourRules.push({
      id: 'secondary-contact',
      colour: 'yellow',
      when: 'secondary_contact',
      endsWhen: { kind: 'quarantine_end' },
    });
  });
  assert.throws(
    () => loadRuleSetFile(secondary),
    invalidAt(secondary, `colourRules[${original('20-measures').colourRules.length}].when`),
  );
  const noSchedule = brokenCopy('9th-edition', (d) => {
    delete d.management.secondary_contact;
  });
  assert.throws(() => loadRuleSetFile(noSchedule), invalidAt(noSchedule, 'secondaryContacts.management'));
  const twice = brokenCopy('9th-edition', (d) => {
    d.colourRules.push({ ...d.colourRules[0], id: 'confirmed-again' });
  });
  assert.throws(
    () => loadRuleSetFile(twice),
    invalidAt(twice, `colourRules[${original('9th-edition').colourRules.length}].when`),
  );
  const category = brokenCopy('9th-edition', (d) => {
    d.venueCoPresence.closeCategories.push('spaceport');
  });
  assert.throws(() => loadRuleSetFile(category), invalidAt(category, 'venueCoPresence.closeCategories[7]'));
  const both = brokenCopy('9th-edition', (d) => {
    d.venueCoPresence.generalCategories.push('office');
  });
  assert.throws(() => loadRuleSetFile(both), invalidAt(both, 'venueCoPresence.generalCategories[8]'));
  const medium = brokenCopy('20-measures', (d) => {
    d.riskAreas.downgrades[0].to = 'medium';
  });
  assert.throws(() => loadRuleSetFile(medium), invalidAt(medium, 'riskAreas.downgrades[0].to'));
  const upward = brokenCopy('9th-edition', (d) => {
    d.riskAreas.downgrades[1].to = 'high';
  });
  assert.throws(() => loadRuleSetFile(upward), invalidAt(upward, 'riskAreas.downgrades[1].to'));
});

test('a directory with two editions of the same date, or a file that is not JSON, is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-rulesets-'));
  for (const id of ['9th-edition', '20-measures'])
    fs.copyFileSync(path.join(RULESETS_DIR, `${id}.json`), path.join(dir, `${id}.json`));
  assert.equal(loadRuleSets(dir).length, 2);
  const clash = original('20-measures');
  clash.id = 'copy';
  clash.effectiveFrom = '2022-06-28';
  fs.writeFileSync(path.join(dir, 'copy.json'), JSON.stringify(clash));
  assert.throws(() => loadRuleSets(dir), invalidAt(path.join(dir, 'copy.json'), 'effectiveFrom'));
  fs.writeFileSync(path.join(dir, 'copy.json'), '{ "id": ');
  assert.throws(() => loadRuleSets(dir), invalidAt(path.join(dir, 'copy.json'), '(file)'));
});
