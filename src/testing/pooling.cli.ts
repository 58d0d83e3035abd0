// cordon pool-advisor --prevalence P: the advisor's table at a terminal (or as JSON). Arithmetic only;
// it opens no database.
import type { Command } from 'commander';
import { AppError } from '../platform/errors.ts';
import { CLI_LANG } from '../cli/context.ts';
import {
  advise,
  parseAdvisorOptions,
  type AdvisorResult,
  type RawAdvisorOptions,
  type RecommendationReason,
} from './pooling.rules.ts';
import { poolingPolicy } from './pooling.policy.ts';

interface AdvisorFlags extends RawAdvisorOptions {
  json?: boolean;
}

const REASONS: Record<RecommendationReason, { zh: string; en: string }> = {
  lowest_expected_tests: {
    zh: '可选混采规模中预期检测次数最少',
    en: 'the fewest expected tests among the allowed sizes',
  },
  prevalence_above_threshold: {
    zh: '阳性率不低于 1 − 3^(−1/3) ≈ 30.7%，任何混采规模都比单采更费检测，应单人单管',
    en: 'prevalence is at or above 1 − 3^(−1/3) ≈ 30.7 %: every pool size costs more tests than single tubes, so test one person per tube',
  },
  no_gain: {
    zh: '在此阳性率下，可选的混采规模都不能减少检测次数，应单人单管',
    en: 'none of the allowed sizes saves tests at this prevalence: test one person per tube',
  },
  ct_dilution: {
    zh: '能节省检测的混采规模都会使弱阳性样本稀释后的 Ct 超过阈值，应单人单管',
    en: 'every size that would save tests dilutes a weak positive past the Ct cut-off: test one person per tube',
  },
  mandated_single_tube: { zh: '该管控等级规定单人单管', en: 'the control level requires single tubes' },
  capped_by_mandate: {
    zh: '更大的混采规模更省检测，但受该管控等级规定的上限限制',
    en: 'a larger pool would save more, but the control level caps the size',
  },
};

const LEVEL_NAMES: Record<string, { zh: string; en: string }> = {
  sealed: { zh: '封控区', en: 'sealed' },
  controlled: { zh: '管控区', en: 'controlled' },
  prevention: { zh: '防范区', en: 'prevention' },
  quarantine_site: { zh: '隔离点', en: 'quarantine site' },
  key_group: { zh: '重点人群', en: 'key group' },
};

/** The option as typed at the terminal: ctCutoff → --ct-cutoff. */
function flagName(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const fixed = (n: number | null, digits: number) => (n === null ? '—' : n.toFixed(digits));
const percent = (n: number, digits = 2) => `${(n * 100).toFixed(digits)}%`;

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatAdvice(r: AdvisorResult, lang: 'zh' | 'en' = CLI_LANG): string {
  const rec = r.recommendation;
  const limit =
    r.maxCtShift !== null
      ? `Ct shift ≤ ${r.maxCtShift}`
      : `weak positive Ct ${r.typicalCt} + log2(k) < cut-off ${r.ctCutoff}`;
  const out = [
    `prevalence ${percent(r.prevalence, 3)} · sizes ${r.sizeMode} · ${limit}` +
      (r.sensitivity < 1 || r.specificity < 1 ? ` · sensitivity ${r.sensitivity} · specificity ${r.specificity}` : ''),
    `rules ${r.rules.version} (effective ${r.rules.effectiveFrom})`,
    '',
    table(
      ['k', 'Dorfman E', '3-stage E (k2)', 'square E', 'tubes/10k', 're-tests/10k', 'Ct shift', 'allowed'],
      r.rows.map((row) => [
        String(row.k) + (row.k === rec.poolSize ? ' *' : ''),
        fixed(row.dorfman, 4),
        row.threeStage === null ? '—' : `${fixed(row.threeStage, 4)} (${row.threeStageSubPool})`,
        fixed(row.squareArray, 4),
        String(row.tubesPer10k),
        row.retestsPer10k.toFixed(0),
        row.ctShift.toFixed(2),
        row.allowed ? 'yes' : `no (Ct ${row.dilutedCt.toFixed(2)})`,
      ]),
    ),
    '',
    `recommended: ${rec.poolSize === 1 ? 'single tubes (1:1)' : `${rec.poolSize}:1`} — ${rec.testsPerPerson.toFixed(4)} tests per person` +
      (rec.saving > 0 ? `, ${percent(rec.saving, 1)} fewer than single tubes` : ''),
    `  ${REASONS[rec.reason][lang]}`,
    `theory: optimum k ≈ 1/√p + ½ = ${r.theory.approximateOptimalPoolSize.toFixed(2)}, E ≈ 2√p = ${r.theory.approximateTestsPerPerson.toFixed(4)}; ` +
      (r.theory.optimalPoolSize === null
        ? `no pool size helps above p = ${percent(r.threshold)}`
        : `exact optimum k = ${r.theory.optimalPoolSize}, E = ${r.theory.optimalTestsPerPerson.toFixed(4)} (ignoring dilution)`),
    '',
    table(
      ['control level', 'mandated', 'advised', 'E', 'why'],
      r.controlLevels.map((c) => [
        LEVEL_NAMES[c.controlLevel]![lang],
        `${c.mandatedPoolSize}:1${c.householdTube ? ' or household' : ''}`,
        `${c.poolSize}:1`,
        c.testsPerPerson.toFixed(4),
        REASONS[c.reason][lang],
      ]),
    ),
  ];
  return out.join('\n');
}

/** Runs the advisor on terminal flags; bad input is reported with the flag's own name. */
export function runPoolAdvisor(flags: RawAdvisorOptions): AdvisorResult {
  const policy = poolingPolicy();
  try {
    return advise(parseAdvisorOptions(flags, policy), policy);
  } catch (err) {
    if (err instanceof AppError && err.code === 'ADVISOR_INPUT_INVALID') {
      const option = flagName(String(err.params.option));
      throw new AppError(err.code, { ...err.params, option }, { extra: { option } });
    }
    throw err;
  }
}

export function registerPoolingCommands(program: Command): void {
  program
    .command('pool-advisor')
    .description(
      'expected tests per person by pool size (Dorfman, three-stage, square array) and the recommended pool size',
    )
    .option('--prevalence <p>', 'prevalence in (0, 1), e.g. 0.01, 1% or 10‰ (required)')
    .option('--ct-cutoff <ct>', 'the assay’s Ct cut-off; positive below it (default from rules/pooling.json: 40)')
    .option('--typical-ct <ct>', 'a weak positive’s Ct before dilution (default from rules/pooling.json: 35)')
    .option('--max-ct-shift <cycles>', 'instead of --typical-ct: the largest Ct shift a pool may cause')
    .option('--sizes <list>', 'validated (5,10,20; default), any (2–32), or a list such as 5,10,20')
    .option('--sensitivity <se>', 'test sensitivity in (0, 1] (default 1)')
    .option('--specificity <sp>', 'test specificity in (0, 1] (default 1)')
    .option('--json', 'print the result as JSON')
    .action((flags: AdvisorFlags) => {
      const { json, ...options } = flags;
      const result = runPoolAdvisor(options);
      console.log(json ? JSON.stringify(result, null, 2) : formatAdvice(result));
    });
}
