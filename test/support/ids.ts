// Identity numbers for test people.
import { checkDigit } from '../../src/registry/registry.rules.ts';

/** A valid resident ID number (居民身份证号) from its first 17 digits: the check digit appended. */
export const rid = (first17: string): string => first17 + checkDigit(first17);
