// cordon user … / cordon token …: administrators manage accounts from the terminal, as the system
// operator (whole area tree). Passwords and tokens are printed once and stored only as hashes.
import type { Command } from 'commander';
import { cliActor, withServices, type GlobalOptions } from '../cli/context.ts';
import { AppError } from '../platform/errors.ts';
import { ROLES } from './access.rules.ts';
import * as access from './access.service.ts';

interface AddFlags {
  username: string;
  role: string;
  area: string;
  name?: string;
  password?: string;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new AppError('VALIDATION', { detail: `not a whole number: ${value}` });
  return n;
}

export function registerUserCommands(program: Command): void {
  const global = () => program.opts<GlobalOptions>();
  const user = program.command('user').description('user accounts');

  user
    .command('add')
    .description('create a user; prints the username and the (generated) password once')
    .requiredOption('--username <username>', '3–32 of a-z 0-9 _ . -')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`)
    .requiredOption('--area <code>', 'code of the area the user works in (their scope is its subtree)')
    .option('--name <display>', 'display name (default: the username)')
    .option('--password <password>', 'password (at least 10 characters and hard to guess; generated when absent)')
    .action(async (flags: AddFlags) => {
      const created = await withServices(global(), (s) =>
        access.addUser(s, cliActor(), {
          username: flags.username,
          role: flags.role,
          areaCode: flags.area,
          displayName: flags.name,
          password: flags.password,
        }),
      );
      console.log(`username: ${created.user.username}`);
      console.log(`password: ${created.password}`);
    });

  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON lines')
    .action(async (flags: { json?: boolean }) => {
      await withServices(global(), async (s) => {
        const page = 500;
        for (let offset = 0; ; offset += page) {
          const { items, total } = await access.listUsers(s, '', {}, { limit: page, offset });
          for (const u of items) {
            if (flags.json) {
              console.log(JSON.stringify(u));
              continue;
            }
            const state =
              (u.disabled ? 'disabled' : u.lockedUntil !== null ? `locked until ${u.lockedUntil}` : 'active') +
              (u.mustChangePassword ? ', must change password' : '');
            console.log([u.username, u.role, `${u.areaCode} ${u.areaName}`, u.displayName, state].join('\t'));
          }
          if (offset + page >= total) break;
        }
      });
    });

  user
    .command('unlock <username>')
    .description('clear failed sign-ins and locks, from every address')
    .action(async (username: string) => {
      await withServices(global(), async (s) => {
        const found = await access.userByUsername(s, username);
        await access.updateUser(s, cliActor(), found.id, { unlock: true });
      });
      console.log(`${username}: unlocked`);
    });

  user
    .command('password <username>')
    .description(
      "set a new password (generated when absent); ends the user's sessions; the user must choose their own at the next sign-in",
    )
    .option('--password <password>', 'the new password (at least 10 characters and hard to guess)')
    .action(async (username: string, flags: { password?: string }) => {
      const result = await withServices(global(), async (s) => {
        const found = await access.userByUsername(s, username);
        return access.resetPassword(s, cliActor(), found.id, flags.password);
      });
      console.log(`username: ${username}`);
      console.log(`password: ${result.password}`);
    });

  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('issue an API token for a user; prints it once')
    .requiredOption('--user <username>', 'the user the token acts as')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--days <days>', 'days until it expires (default: never)')
    .action(async (flags: { user: string; name: string; days?: string }) => {
      await withServices(global(), async (s) => {
        const found = await access.userByUsername(s, flags.user);
        const created = await access.createToken(s, cliActor(), found.id, {
          name: flags.name,
          expiresInDays: flags.days === undefined ? undefined : wholeNumber(flags.days),
        });
        console.log(created.token);
        const expiry = created.expiresAt === null ? 'no expiry' : `expires ${created.expiresAt}`;
        console.error(`token ${created.id} "${created.name}" for ${found.username}, ${expiry}`);
      });
    });
}
