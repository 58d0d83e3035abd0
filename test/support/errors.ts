// Assertions on the errors the domain throws: an AppError with a stable code.
import assert from 'node:assert/strict';
import { AppError } from '../../src/platform/errors.ts';

/** For assert.rejects / assert.throws: the error is an AppError with this code. */
export function hasCode(code: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}
