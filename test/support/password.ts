// The password every test user signs in with, and its hash computed once per test process: scrypt is
// slow on purpose, and a suite that creates a few hundred users would otherwise spend most of its time
// hashing the same password. The hash is a real one (production's scheme and cost), so signing in
// through /auth/login with TEST_PASSWORD verifies as it does in production.
import { hashPassword } from '../../src/platform/crypto.ts';

export const TEST_PASSWORD = 'correct horse battery';

let cached: Promise<string> | undefined;

/** The stored hash of TEST_PASSWORD, the same for every test user of this process. */
export function testPasswordHash(): Promise<string> {
  cached ??= hashPassword(TEST_PASSWORD);
  return cached;
}
