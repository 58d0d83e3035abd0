// The `cordon` command line: one program, subcommands registered by each domain.
import { Command } from 'commander';
import { VERSION } from '../version.ts';
import { reportCliError } from './context.ts';
import { installErrorCatalogue } from '../errors.catalogue.ts';
import { registerServeCommands } from './serve.cli.ts';
import { registerAuditCommands } from './audit.cli.ts';
import { registerUserCommands } from '../access/access.cli.ts';
import { registerRegistryCommands } from '../registry/registry.cli.ts';
import { registerDemoCommands } from '../sim/sim.cli.ts';
import { registerPoolingCommands } from '../testing/pooling.cli.ts';
import { registerTestingCommands } from '../testing/testing.cli.ts';
import { registerVenueCommands } from '../venues/venue.cli.ts';
import { registerRuleSetCommands } from '../rules/ruleset.cli.ts';
import { registerTracingCommands } from '../tracing/tracing.cli.ts';
import { registerRiskAreaCommands } from '../riskareas/riskareas.cli.ts';
import { registerPassCommands } from '../logistics/passes.cli.ts';
import { registerStockCommands } from '../logistics/reserves.cli.ts';
import { registerTripCommands } from '../logistics/trips.cli.ts';
import { registerVolunteerCommands } from '../volunteers/volunteers.cli.ts';
import { registerHealthCommands } from '../health/health.cli.ts';
import { registerQuarantineSiteCommands } from '../quarantine/sites.cli.ts';
import { registerQuarantineOrderCommands } from '../quarantine/orders.cli.ts';
import { registerQuarantineAllocationCommands } from '../quarantine/allocation.cli.ts';
import { registerDecisionCommands } from '../decision/decision.cli.ts';

installErrorCatalogue();

const program = new Command('cordon')
  .description('Cordon (一站式防疫指挥系统): one-stop epidemic prevention and command system')
  .version(VERSION)
  .option('--data-dir <dir>', 'data directory (default ./data, or $CORDON_DATA_DIR)')
  .option('--database-url <url>', 'PostgreSQL URL (default $DATABASE_URL; SQLite when absent)');

registerServeCommands(program);
registerAuditCommands(program);
registerUserCommands(program);
registerRegistryCommands(program);
registerDemoCommands(program);
registerPoolingCommands(program);
registerTestingCommands(program);
registerVenueCommands(program);
registerRuleSetCommands(program);
registerTracingCommands(program);
registerRiskAreaCommands(program);
registerPassCommands(program);
registerStockCommands(program);
registerTripCommands(program);
registerVolunteerCommands(program);
registerHealthCommands(program);
registerQuarantineSiteCommands(program);
registerQuarantineOrderCommands(program);
registerQuarantineAllocationCommands(program);
registerDecisionCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportCliError(err);
}
