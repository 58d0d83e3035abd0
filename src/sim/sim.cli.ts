// cordon demo: builds the deterministic synthetic city.
import type { Command } from 'commander';

export function registerDemoCommands(_program: Command): void {
  // filled in by the sim module
}
