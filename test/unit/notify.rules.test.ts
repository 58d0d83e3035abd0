// What a called contact must do, from the rule set's management schedules (never from code): the group
// of each class under each edition, the dates counted from the last exposure, and the words the export
// reads out.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import { callInstructions, managedGroupOf } from '../../src/notify/notify.rules.ts';
import { instructionsText } from '../../src/notify/notify.service.ts';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);

describe('call instructions from the rule set', () => {
  test('each class falls in the group the rule set manages, or none', () => {
    const ninth = ruleSetById('9th-edition');
    const twenty = ruleSetById('20-measures');
    assert.equal(managedGroupOf(ninth, 'close'), 'close_contact');
    assert.equal(managedGroupOf(ninth, 'general'), null);
    assert.equal(
      callInstructions(ninth, 'secondary', at('2022-07-01T10:00:00+08:00'), ZONE).group,
      ninth.secondaryContacts.management ?? 'secondary_contact',
    );
    assert.equal(
      callInstructions(twenty, 'secondary', at('2022-11-20T10:00:00+08:00'), ZONE).group,
      null,
      'the 20 measures manage no secondary contacts',
    );
    assert.deepEqual(callInstructions(ninth, 'general', at('2022-07-01T10:00:00+08:00'), ZONE), {
      ruleSetId: '9th-edition',
      group: null,
      plan: null,
    });
  });

  test('the schedule counts from the last exposure; the phases end at the end of their last day', () => {
    const ninth = ruleSetById('9th-edition');
    const s = ninth.management.close_contact;
    const i = callInstructions(ninth, 'close', at('2022-07-01T22:30:00+08:00'), ZONE);
    assert.equal(i.plan!.centralisedDays, s.centralisedDays);
    assert.equal(i.plan!.homeDays, s.homeDays);
    assert.equal(
      i.plan!.centralisedUntil,
      at(`2022-07-${String(1 + s.centralisedDays + 1).padStart(2, '0')}T00:00:00+08:00`),
    );
    assert.equal(
      i.plan!.homeUntil,
      at(`2022-07-${String(1 + s.centralisedDays + s.homeDays + 1).padStart(2, '0')}T00:00:00+08:00`),
    );
    assert.deepEqual(
      i.plan!.testDates.filter((d) => d.phase === 'centralised').map((d) => d.day),
      s.testDays.centralised,
    );
    const unknown = callInstructions(ninth, 'close', null, ZONE);
    assert.equal(unknown.group, 'close_contact');
    assert.equal(unknown.plan, null, 'no exposure time: no dates made up');
  });

  test('the words read out on the call and written in the export', () => {
    const ninth = ruleSetById('9th-edition');
    const s = ninth.management.close_contact;
    const i = callInstructions(ninth, 'close', at('2022-07-01T22:30:00+08:00'), ZONE);
    const zh = instructionsText(i, 'zh', ZONE);
    assert.ok(
      zh.startsWith(`集中隔离${s.centralisedDays}天至2022-07-${String(1 + s.centralisedDays).padStart(2, '0')}`),
      zh,
    );
    assert.ok(zh.includes('核酸检测：2022-07-02'), zh);
    assert.ok(!/[;:,]/.test(zh), 'full-width punctuation in Chinese');
    assert.ok(instructionsText(i, 'en', ZONE).startsWith(`centralised quarantine ${s.centralisedDays} d until`));
    assert.equal(
      instructionsText(callInstructions(ninth, 'general', null, ZONE), 'zh', ZONE),
      `${ninth.name.zh}对此类接触者无隔离要求`,
    );
    assert.equal(
      instructionsText(callInstructions(ninth, 'general', null, ZONE), 'en', ZONE),
      `No quarantine for this class under ${ninth.name.en}`,
    );
  });
});
