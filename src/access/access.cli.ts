// cordon user …: administrators manage accounts from the terminal.
import type { Command } from 'commander';

export function registerUserCommands(_program: Command): void {
  // filled in by the access module
}
