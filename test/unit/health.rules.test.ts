import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import { deriveColour } from '../../src/rules/ruleset.rules.ts';
import {
  appealDueAt,
  appealOverdue,
  breakerTrips,
  colourAt,
  nextChangeAt,
  twoPersonCheck,
  type StoredReason,
} from '../../src/health/health.rules.ts';
import { contactFact } from '../../src/health/health.tracing.ts';
import { commonPath } from '../../src/health/health.service.ts';
import { parseHealthPolicy, healthPolicy } from '../../src/health/health.policy.ts';
import { generateKeys, signingKeys } from '../../src/platform/crypto.ts';
import { issuePersonalCode, verifyPersonalCode } from '../../src/venues/venue.codes.ts';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const eighth = ruleSetById('8th-edition');
const ninth = ruleSetById('9th-edition');
const twenty = ruleSetById('20-measures');
const NOW = at('2022-03-24T08:00:00+08:00');

function contact(cls: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'ct1',
    case_id: 'k1',
    person_id: 'p1',
    class: cls,
    candidate: 0,
    review_status: 'pending',
    basis: 'household',
    rule: 'household',
    last_exposure_at: at('2022-03-22T12:00:00+08:00'),
    first_exposure_at: at('2022-03-16T00:00:00+08:00'),
    created_at: NOW,
    ...extra,
  };
}

describe('colours per rule set, with end conditions', () => {
  test('close contact: red until the end of the quarantine the edition orders (9th: 7 days; 8th: 14; 20 measures: 5 + 3 at home)', () => {
    const f9 = contactFact(ninth, contact('close'), ZONE)!;
    assert.equal(f9.kind, 'close_contact');
    assert.equal(
      f9.until,
      at('2022-03-30T00:00:00+08:00'),
      '9th: 7 days centralised from day 0 = 03-22, monitoring after is not red',
    );
    const f8 = contactFact(eighth, contact('close'), ZONE)!;
    assert.equal(f8.until, at('2022-04-06T00:00:00+08:00'), '8th: 14 days centralised');
    const f20 = contactFact(twenty, contact('close'), ZONE)!;
    assert.equal(f20.until, at('2022-03-31T00:00:00+08:00'), '20 measures: 5 centralised + 3 home quarantine');
    for (const [r, f] of [
      [ninth, f9],
      [eighth, f8],
      [twenty, f20],
    ] as const) {
      const d = deriveColour(r, [{ kind: f.kind, since: f.since, until: f.until }], NOW);
      assert.equal(d.colour, 'red');
      assert.equal(d.reasons[0]!.endsAt, f.until);
      assert.deepEqual(d.reasons[0]!.endsWhen, { kind: 'quarantine_end' });
      assert.equal(d.ruleSet.id, r.id);
      assert.equal(
        deriveColour(r, [{ kind: f.kind, since: f.since, until: f.until }], f.until!).colour,
        'green',
        'ends exactly at its end',
      );
    }
  });

  test('secondary contacts: yellow under the 8th and 9th editions, no colour rule under the 20 measures', () => {
    const f9 = contactFact(ninth, contact('secondary'), ZONE)!;
    assert.equal(f9.kind, 'secondary_contact');
    assert.equal(deriveColour(ninth, [{ kind: f9.kind, since: f9.since, until: f9.until }], NOW).colour, 'yellow');
    const f20 = contactFact(twenty, contact('secondary'), ZONE)!;
    assert.equal(deriveColour(twenty, [{ kind: f20.kind, since: f20.since, until: f20.until }], NOW).colour, 'green');
  });

  test('no colour for general contacts, dismissed contacts and unreviewed co-presence candidates', () => {
    assert.equal(contactFact(ninth, contact('general'), ZONE), null);
    assert.equal(contactFact(ninth, contact('close', { review_status: 'dismissed' }), ZONE), null);
    assert.equal(contactFact(ninth, contact('close', { candidate: 1 }), ZONE), null);
    assert.notEqual(contactFact(ninth, contact('close', { candidate: 1, review_status: 'confirmed' }), ZONE), null);
  });

  test('pooled positive pending re-test: yellow until one negative test sampled after the fact; a test before does not count', () => {
    const since = NOW - HOUR;
    const before = { sampledAt: since - HOUR, reportedAt: since };
    const after = { sampledAt: since + 10 * 60_000, reportedAt: NOW + 2 * HOUR };
    assert.equal(
      deriveColour(ninth, [{ kind: 'pooled_positive_pending_retest', since, negativeTests: [before] }], NOW).colour,
      'yellow',
    );
    const d = deriveColour(
      ninth,
      [{ kind: 'pooled_positive_pending_retest', since, negativeTests: [before, after] }],
      NOW,
    );
    assert.equal(d.reasons[0]!.endsAt, after.reportedAt, 'ends when the negative result is known');
    assert.equal(
      deriveColour(ninth, [{ kind: 'pooled_positive_pending_retest', since, negativeTests: [after] }], after.reportedAt)
        .colour,
      'green',
    );
  });

  test('risk-area arrival: two negatives ≥ 24 h apart; the red of a case beats the yellow', () => {
    const since = NOW - 3 * DAY;
    const t1 = { sampledAt: since + HOUR };
    const t2 = { sampledAt: since + 10 * HOUR };
    const t3 = { sampledAt: since + 26 * HOUR };
    assert.equal(
      deriveColour(ninth, [{ kind: 'risk_area_arrival_pending_test', since, negativeTests: [t1, t2] }], NOW).colour,
      'yellow',
    );
    assert.equal(
      deriveColour(ninth, [{ kind: 'risk_area_arrival_pending_test', since, negativeTests: [t1, t2, t3] }], NOW).colour,
      'green',
    );
    const both = deriveColour(
      ninth,
      [
        { kind: 'risk_area_arrival_pending_test', since },
        { kind: 'confirmed', since },
      ],
      NOW,
    );
    assert.equal(both.colour, 'red');
    assert.deepEqual(
      both.reasons.map((r) => r.rule),
      ['confirmed', 'risk-area-arrival'],
    );
  });
});

describe('stored status at the door', () => {
  const reason = (colour: 'red' | 'yellow', endsAt: number | null): StoredReason => ({
    fact: colour === 'red' ? 'close_contact' : 'fever',
    since: NOW - DAY,
    rule: colour === 'red' ? 'close-contact' : 'fever',
    colour,
    endsWhen: { kind: 'quarantine_end' },
    endsAt,
    source: { type: 'contact', id: 'c' },
    detail: {},
  });

  test('reasons past their end no longer count; the next change is the earliest end', () => {
    const reasons = [reason('red', NOW + DAY), reason('yellow', NOW + 3 * DAY)];
    assert.equal(colourAt(reasons, null, NOW).colour, 'red');
    assert.equal(colourAt(reasons, null, NOW + DAY).colour, 'yellow');
    assert.equal(colourAt(reasons, null, NOW + 3 * DAY).colour, 'green');
    assert.equal(nextChangeAt(reasons, null, NOW), NOW + DAY);
    assert.equal(nextChangeAt([reason('red', null)], null, NOW), null);
  });

  test('an override in force wins until its end', () => {
    const o = { id: 'o1', colour: 'green' as const, until: NOW + HOUR };
    assert.equal(colourAt([reason('red', null)], o, NOW).colour, 'green');
    assert.equal(colourAt([reason('red', null)], o, NOW + HOUR).colour, 'red');
    assert.equal(nextChangeAt([reason('red', NOW + DAY)], o, NOW), NOW + HOUR);
  });
});

describe('two-person rule, circuit breaker, appeals', () => {
  test('the requester cannot approve; a decided request cannot be decided again', () => {
    assert.equal(twoPersonCheck({ requestedBy: 'u1', status: 'pending' }, 'u1'), 'SAME_USER');
    assert.equal(twoPersonCheck({ requestedBy: 'u1', status: 'pending' }, 'u2'), 'ok');
    assert.equal(twoPersonCheck({ requestedBy: 'u1', status: 'approved' }, 'u2'), 'NOT_PENDING');
  });

  test('the breaker trips on manual actions over the rule set threshold only', () => {
    assert.equal(ninth.massRecolourThreshold, 100);
    assert.equal(breakerTrips(ninth.massRecolourThreshold, 100, true), false);
    assert.equal(breakerTrips(ninth.massRecolourThreshold, 101, true), true);
    assert.equal(breakerTrips(ninth.massRecolourThreshold, 100_000, false), false, 'rule-driven changes are not held');
  });

  test('appeals are due after the policy hours and overdue only while open', () => {
    const hours = healthPolicy().appealAnswerHours;
    const due = appealDueAt(NOW, hours);
    assert.equal(due, NOW + hours * HOUR);
    assert.equal(appealOverdue({ status: 'open', dueAt: due }, due), true);
    assert.equal(appealOverdue({ status: 'open', dueAt: due }, due - 1), false);
    assert.equal(appealOverdue({ status: 'upheld', dueAt: due }, due + 1), false);
  });

  test('the policy file validates and names the bad field', () => {
    assert.throws(
      () =>
        parseHealthPolicy({
          version: 'x',
          appealAnswerHours: 0,
          overrideMaxDays: 1,
          legalBasisMinLength: 1,
          sweepBatch: 100,
        }),
      /appealAnswerHours/,
    );
    assert.throws(
      () => parseHealthPolicy({ version: 'x', appealAnswerHours: 1, overrideMaxDays: 1, legalBasisMinLength: 1 }),
      /sweepBatch/,
    );
  });

  test('the area covering several people is their common path', () => {
    assert.equal(
      commonPath(['220400/220402/220402001/220402001001/', '220400/220402/220402001/220402001002/']),
      '220400/220402/220402001/',
    );
    assert.equal(commonPath(['220400/220402/']), '220400/220402/');
  });
});

describe('personal code with colour and latest test', () => {
  const keys = signingKeys(generateKeys());
  const other = signingKeys(generateKeys());
  const facts = { colour: 'red' as const, latestTest: { sampledAt: NOW - 5 * HOUR, result: 'negative' as const } };

  test('carries person, colour, latest test, issued-at and a 60 s expiry; verifies offline with the PEM', () => {
    const { token, expiresAt } = issuePersonalCode(keys.personalPrivateKey, 'p1', NOW, facts);
    assert.equal(expiresAt, NOW + 60_000);
    const v = verifyPersonalCode(keys.personalPublicKeyPem, token, NOW + 1_000);
    assert.deepEqual(v, {
      ok: true,
      personId: 'p1',
      issuedAt: NOW,
      expiresAt,
      colour: 'red',
      latestTest: facts.latestTest,
    });
    assert.deepEqual(verifyPersonalCode(keys.personalPublicKeyPem, token, NOW + 60_000), {
      ok: false,
      code: 'PERSONAL_CODE_EXPIRED',
    });
  });

  test('forged, tampered-colour and foreign-signed tokens are refused', () => {
    const invalid = { ok: false, code: 'PERSONAL_CODE_INVALID' };
    const { token } = issuePersonalCode(keys.personalPrivateKey, 'p1', NOW, facts);
    const [v, payload, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const green = Buffer.from(JSON.stringify({ ...claims, c: 'green' })).toString('base64url');
    assert.deepEqual(
      verifyPersonalCode(keys.personalPublicKey, `${v}.${green}.${sig}`, NOW),
      invalid,
      'red changed to green',
    );
    const noTest = Buffer.from(JSON.stringify({ ...claims, t: { s: NOW, r: 'n' } })).toString('base64url');
    assert.deepEqual(
      verifyPersonalCode(keys.personalPublicKey, `${v}.${noTest}.${sig}`, NOW),
      invalid,
      'newer test forged in',
    );
    assert.deepEqual(verifyPersonalCode(other.personalPublicKey, token, NOW), invalid, 'another key');
    const forged = issuePersonalCode(other.personalPrivateKey, 'p1', NOW, { colour: 'green', latestTest: null }).token;
    assert.deepEqual(verifyPersonalCode(keys.personalPublicKey, forged, NOW), invalid, 'signed by a forger');
    // Well signed but with an unknown colour or a malformed test: invalid.
    const sign = (c: object) => {
      const p = Buffer.from(JSON.stringify(c)).toString('base64url');
      return `p1.${p}.${crypto.sign(null, Buffer.from(`p1.${p}`), keys.personalPrivateKey).toString('base64url')}`;
    };
    assert.deepEqual(
      verifyPersonalCode(keys.personalPublicKey, sign({ p: 'p1', iat: NOW, exp: NOW + 60_000, c: 'blue' }), NOW),
      invalid,
    );
    assert.deepEqual(
      verifyPersonalCode(
        keys.personalPublicKey,
        sign({ p: 'p1', iat: NOW, exp: NOW + 60_000, c: 'red', t: { s: 'x', r: 'n' } }),
        NOW,
      ),
      invalid,
    );
  });
});
