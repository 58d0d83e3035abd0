// Pieces of the call list and its print view: a contact's exposure date and what the active rule set
// says they must do (the schedule's phases with their last days, and the test dates), in the UI language.
import { useTranslation } from 'react-i18next';
import { TIME_ZONE } from '../shared/format.ts';
import type { CallInstructions } from './tracingApi.ts';

/** The calendar date (YYYY-MM-DD) of an instant in the deployment's zone. */
export function dateOf(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

/** MM-DD of a YYYY-MM-DD date, for the short lists of test days. */
const short = (date: string) => date.slice(5);

export function ExposureDate({ at }: { at: number | null }) {
  const { t } = useTranslation();
  return (
    <span className="calls-exposure" data-testid="call-exposure">
      {at === null ? t('callList.exposureUnknown') : dateOf(at)}
    </span>
  );
}

/** The schedule as sentences; a phase's `until` is the end of its last day, so its last day is the day before. */
export function instructionLines(
  t: (key: string, o?: Record<string, unknown>) => string,
  i: CallInstructions,
): string[] {
  const p = i.plan;
  if (!p) return [t(i.group === null ? 'callList.todoNone' : 'callList.todoNoExposure', { ruleSet: i.ruleSetId })];
  const lines: string[] = [];
  if (p.centralisedDays > 0)
    lines.push(t('callList.todoCentralised', { days: p.centralisedDays, until: dateOf(p.centralisedUntil - 1) }));
  if (p.homeDays > 0)
    lines.push(
      t(p.homeKind === 'home_quarantine' ? 'callList.todoHomeQuarantine' : 'callList.todoHomeMonitoring', {
        days: p.homeDays,
        until: dateOf(p.homeUntil - 1),
      }),
    );
  if (p.testDates.length)
    lines.push(t('callList.todoTests', { dates: p.testDates.map((d) => short(d.date)).join(t('callList.listSep')) }));
  return lines;
}

export function Instructions({ i }: { i: CallInstructions }) {
  const { t } = useTranslation();
  const lines = instructionLines(t, i);
  return (
    <span className="calls-instructions" data-testid="call-instructions" data-group={i.group ?? ''}>
      {lines.map((line) => (
        <span key={line} className="calls-instruction">
          {line}
        </span>
      ))}
    </span>
  );
}
