// cordon import persons / cordon export persons
import type { Command } from 'commander';

export function registerRegistryCommands(_program: Command): void {
  // filled in by the roster module
}
