// cordon demo: builds the deterministic synthetic city (areas, buildings, households, persons).
import type { Command } from 'commander';
import { cliActor, progressLine, withServices, type GlobalOptions } from '../cli/context.ts';
import { AppError } from '../platform/errors.ts';
import { generateDemoCity } from './city.ts';
import { DEMO_LIMITS } from './city.plan.ts';
import { seedDemoRound } from '../testing/testing.demo.ts';

interface DemoCliOptions {
  people: string;
  days: string;
  seed: string;
  force?: boolean;
  json?: boolean;
  testingRound?: boolean;
}

/** An integer flag; anything else is refused naming the option and the value as typed. */
function integer(option: keyof typeof DEMO_LIMITS, value: string): number {
  if (/^\s*-?\d+\s*$/.test(value)) return Number(value);
  const { min, max } = DEMO_LIMITS[option];
  throw new AppError('DEMO_OPTION_INVALID', { option: `--${option}`, value, min, max });
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description(
      'build the deterministic synthetic demo city modelled on 辽源市 (龙山区, 西安区): streets, communities, grids, ' +
        'buildings, households and persons with valid ID numbers and phones (encrypted like real data). ' +
        'The same --seed always builds the same city, with approved venues of every category and the daily ' +
        'movements of its people (home gate, work or school, shops, restaurants, transport) over the last --days days as check-ins.',
    )
    .option(
      '--people <n>',
      `number of residents (${DEMO_LIMITS.people.min}–${DEMO_LIMITS.people.max.toLocaleString()})`,
      '20000',
    )
    .option(
      '--days <n>',
      `days of movements to simulate up to now (${DEMO_LIMITS.days.min}–${DEMO_LIMITS.days.max})`,
      '14',
    )
    .option('--seed <n>', 'random seed (0–4294967295)', '1')
    .option(
      '--force',
      'delete every person, household, building and check-in and the demo venues first (areas, users and other venues stay)',
    )
    .option(
      '--testing-round',
      'also seed a nucleic-acid testing round in progress over the communities (about 60 % sampled, most tubes negative, one suspected-positive pool reported)',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (opts: DemoCliOptions) => {
      const people = integer('people', opts.people);
      const days = integer('days', opts.days);
      const seed = integer('seed', opts.seed);
      const summary = await withServices(program.opts<GlobalOptions>(), (s) =>
        generateDemoCity(s, {
          people,
          days,
          seed,
          force: Boolean(opts.force),
          actor: cliActor(),
          onProgress: progressLine('demo city'),
        }).then(async (city) => ({
          ...city,
          testingRound: opts.testingRound ? await seedDemoRound(s, { seed }) : null,
        })),
      );
      if (opts.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      console.log(
        `demo city built in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${summary.areas.toLocaleString()} areas, ` +
          `${summary.buildings.toLocaleString()} buildings, ${summary.households.toLocaleString()} households, ` +
          `${summary.persons.toLocaleString()} persons, ${summary.venues.toLocaleString()} venues, ` +
          `${summary.checkins.toLocaleString()} check-ins over ${days} days (movements ${(summary.movementsMs / 1000).toFixed(1)} s)`,
      );
      const round = summary.testingRound;
      if (round)
        console.log(
          `testing round ${round.roundId}: ${round.sampled.toLocaleString()} people sampled in ${round.tubes.toLocaleString()} tubes, ${round.resulted.toLocaleString()} resulted, suspected-positive pool ${round.poolId ?? '-'} reported`,
        );
    });
}
