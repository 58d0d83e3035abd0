import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  afterFailedLogin,
  can,
  inScope,
  isLocked,
  isRole,
  isStrongPassword,
  isValidUsername,
  normaliseUsername,
  PERMISSIONS,
  permissionsOf,
  ROLES,
  usernameForLog,
  FAILURE_MEMORY_MS,
} from '../../src/access/access.rules.ts';
import { judgePassword, PASSWORD_MIN_LENGTH, PASSWORD_MIN_SCORE } from '../../src/access/password.rules.ts';
import { generatePassword } from '../../src/access/access.service.ts';

test('every role has a permission list made only of known permissions', () => {
  for (const role of ROLES) {
    const granted = permissionsOf(role);
    assert.ok(Array.isArray(granted), `${role} has no permission list`);
    for (const p of granted) assert.ok((PERMISSIONS as readonly string[]).includes(p), `${role} has unknown ${p}`);
    assert.equal(new Set(granted).size, granted.length, `${role} lists a permission twice`);
  }
});

test('a resident may do nothing', () => {
  assert.deepEqual([...permissionsOf('resident')], []);
  for (const p of PERMISSIONS) assert.equal(can('resident', p), false);
});

test('only the administrator manages users', () => {
  assert.deepEqual(
    ROLES.filter((r) => can(r, 'user.manage')),
    ['admin'],
  );
});

test('an auditor reads the audit log but cannot see full identifiers', () => {
  assert.equal(can('auditor', 'audit.read'), true);
  assert.equal(can('auditor', 'person.reveal'), false);
  assert.equal(can('auditor', 'registry.write'), false);
});

test('isRole accepts exactly the listed roles', () => {
  for (const role of ROLES) assert.equal(isRole(role), true);
  assert.equal(isRole('root'), false);
  assert.equal(isRole('Admin'), false);
  assert.equal(isRole(''), false);
});

test('scope is the area subtree: the scope itself and what lies below it', () => {
  const street = '220400/220402/220402001/';
  assert.equal(inScope(street, street), true);
  assert.equal(inScope(street, '220400/220402/220402001/220402001001/'), true);
  assert.equal(inScope(street, '220400/220402/220402002/'), false);
  assert.equal(inScope(street, '220400/220402/'), false, 'a parent is outside a child scope');
  // A sibling whose code starts with the same digits is not inside: paths end with "/".
  assert.equal(inScope('220400/2204021/', '220400/22040210/'), false);
  assert.equal(inScope('', '220400/'), true, 'the empty scope is the whole tree');
});

test('usernames: 3–32 of a-z 0-9 _ . -, compared in lower case', () => {
  for (const ok of ['abc', 'zhang.wei', 'worker_01', 'a-b', 'x'.repeat(32)])
    assert.equal(isValidUsername(ok), true, ok);
  for (const bad of ['ab', 'x'.repeat(33), 'Zhang', 'zhang wei', '张伟', 'a/b', ''])
    assert.equal(isValidUsername(bad), false, bad);
  assert.equal(normaliseUsername('  Zhang.Wei '), 'zhang.wei');
});

test('passwords need at least ten characters, counted as characters', () => {
  assert.equal(judgePassword('123456789').ok, false);
  assert.deepEqual(judgePassword('short pw'), {
    ok: false,
    code: 'PASSWORD_WEAK',
    params: { min: PASSWORD_MIN_LENGTH },
  });
  assert.equal(isStrongPassword('防疫指挥系统密码九'), false);
  assert.equal(isStrongPassword('防疫指挥系统密码十位'), true);
});

test("common and trivially patterned passwords are refused with zxcvbn's reason, whatever their length", () => {
  const reasons: Record<string, string> = {
    aaaaaaaaaa: 'simpleRepeat',
    '1234567890': 'topHundred',
    password12: 'common',
    qwertyuiop: 'topHundred',
  };
  for (const [password, warning] of Object.entries(reasons)) {
    const verdict = judgePassword(password);
    assert.equal(verdict.ok, false, password);
    assert.equal(verdict.ok === false && verdict.code, 'PASSWORD_GUESSABLE', password);
    assert.equal(
      verdict.ok === false && verdict.code === 'PASSWORD_GUESSABLE' && verdict.params.warning,
      warning,
      password,
    );
  }
  for (const password of ['woaini1314520', 'zhangwei123456', 'abcdefghijk', '2022-03-24', '1111111111']) {
    assert.equal(isStrongPassword(password), false, password);
  }
  for (const password of ['correct horse battery', 'spring-garden-42', 'Liaoyuan river 1374 volunteers']) {
    assert.equal(isStrongPassword(password), true, password);
  }
  assert.ok(PASSWORD_MIN_SCORE >= 3);
});

test("the account's own username, name and phone count as known to an attacker", () => {
  assert.equal(isStrongPassword('wang.fang.2022'), true);
  const own = judgePassword('wang.fang.2022', ['wang.fang', '王芳']);
  assert.equal(own.ok === false && own.code === 'PASSWORD_GUESSABLE' && own.params.warning, 'userInputs');
  assert.equal(isStrongPassword('13912345678ok', ['13912345678']), false);
});

test('generated passwords are four groups of four unambiguous characters, and differ', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const p = generatePassword();
    assert.match(p, /^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/);
    assert.equal(isStrongPassword(p), true);
    seen.add(p);
  }
  assert.equal(seen.size, 50);
});

test('lockout: the Nth consecutive failure locks for lockMs; an expired lock gives the attempts back', () => {
  const policy = { maxFailures: 3, lockMs: 15 * 60_000 };
  const now = 1_000_000;
  let state = { failedLogins: 0, lockedUntil: null as number | null };
  let step = afterFailedLogin(state, now, policy);
  assert.deepEqual(step, { failedLogins: 1, lockedUntil: null, lockedNow: false });
  state = afterFailedLogin(step, now, policy);
  step = afterFailedLogin(state, now, policy);
  assert.deepEqual(step, { failedLogins: 3, lockedUntil: now + policy.lockMs, lockedNow: true });
  assert.equal(isLocked(step.lockedUntil, now), true);
  assert.equal(isLocked(step.lockedUntil, now + policy.lockMs - 1), true);
  assert.equal(isLocked(step.lockedUntil, now + policy.lockMs), false);
  const later = now + policy.lockMs + 1;
  assert.deepEqual(afterFailedLogin(step, later, policy), { failedLogins: 1, lockedUntil: null, lockedNow: false });
  assert.equal(isLocked(null, now), false);
});

test('lockout off when maxFailures is 0', () => {
  const step = afterFailedLogin({ failedLogins: 99, lockedUntil: null }, 0, { maxFailures: 0, lockMs: 1000 });
  assert.equal(step.lockedNow, false);
  assert.equal(step.lockedUntil, null);
});

test('usernames that look like phone numbers are masked for the audit log; others are kept', () => {
  assert.equal(usernameForLog('13904371234'), '139****1234');
  assert.equal(usernameForLog('+86 139-0437-1234'), '861******1234');
  assert.equal(usernameForLog('wang.fang'), 'wang.fang');
  assert.equal(usernameForLog('worker_01'), 'worker_01');
});

test('failures older than FAILURE_MEMORY_MS no longer count', () => {
  const policy = { maxFailures: 3, lockMs: 60_000 };
  const state = { failedLogins: 2, lockedUntil: null, lastFailureAt: 0 };
  assert.equal(afterFailedLogin(state, FAILURE_MEMORY_MS - 1, policy).lockedNow, true);
  assert.deepEqual(afterFailedLogin(state, FAILURE_MEMORY_MS, policy), {
    failedLogins: 1,
    lockedUntil: null,
    lockedNow: false,
  });
});
