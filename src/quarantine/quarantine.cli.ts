// What the module's command-line parts share: the terminal operator as an actor, the one `quarantine`
// command each part adds its sub-commands to, and the check of a flag's value against its list.
import type { Command } from 'commander';
import type { Actor } from '../access/access.rules.ts';
import { cliActor } from '../cli/context.ts';
import { rootArea } from '../db/sql.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';

/** The terminal operator as an actor of the command role over the root of the area tree. */
export async function quarantineOperator(s: Services): Promise<Actor> {
  const a = cliActor();
  const root = await rootArea(s.db);
  return {
    userId: a.id ?? 'cli',
    username: a.name,
    displayName: a.name,
    role: 'command',
    areaId: root?.id ?? '',
    areaPath: '',
    via: 'token',
  };
}

/** The `quarantine` command, made once: each part of the module adds its sub-commands to it. */
export function quarantineCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'quarantine') ??
    program.command('quarantine').description('quarantine and isolation (隔离管控)')
  );
}

/** A flag's value, checked against its list (undefined when the flag is absent). */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new AppError('VALIDATION', { detail: `${flag} must be one of ${allowed.join(', ')}` });
  return value as T;
}
