// 中高风险区 Public list (no sign-in): the high and medium risk areas in force, since when, and the rule
// of the rule set in force that lowers each one. A building is named as residents know it — compound
// (小区) and number, "瑞景家园 1号楼" — under its district, street and community; a search finds one's
// own compound or building. Place names, levels, dates and rules only — nothing about any person.
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { riskAreasApi, type LiftingRule, type RiskLevel } from './riskAreasApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { currentLanguage } from '../shared/i18n.ts';
import { formatDateTime } from '../shared/format.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { Loading } from '../shared/Loading.tsx';
import './riskareas.css';

export function RiskBadge({ level }: { level: RiskLevel | null }) {
  const { t } = useTranslation();
  return (
    <span className={`risk-badge risk-${level ?? 'none'}`} data-testid="risk-level" data-level={level ?? ''}>
      {level ? t(`riskAreas.level.${level}`) : t('riskAreas.notDesignated')}
    </span>
  );
}

/** The lifting rule in words, e.g. 解除条件:连续 7 天无新增感染者,且第 7 天区域内全员核酸检测阴性后降为中风险区. */
type T = (key: string, options?: Record<string, unknown>) => string;

export function liftingText(t: T, rule: LiftingRule | null): string {
  if (!rule) return t('riskAreas.noLiftRule');
  const extra =
    (rule.negativeRoundOnDay !== null ? t('riskAreas.liftRuleRound', { day: rule.negativeRoundOnDay }) : '') +
    (rule.minDaysAtLevel !== null ? t('riskAreas.liftRuleAtLevel', { days: rule.minDaysAtLevel }) : '');
  return t('riskAreas.liftRule', { days: rule.daysWithoutCase, extra, to: t(`riskAreas.levelArea.${rule.to}`) });
}

export function RiskAreasPublicPage() {
  const { t } = useTranslation();
  const list = useLoad(() => riskAreasApi.publicList(), []);
  const data = list.data;
  const [q, setQ] = useState('');
  const query = q.normalize('NFKC').trim().toLowerCase();
  const shown = useMemo(() => {
    const words = query.split(/\s+/).filter(Boolean);
    return (data?.items ?? []).filter((a) => {
      const text = [a.name, ...a.areaNames].join(' ').toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }, [data, query]);
  return (
    <div className="live-page">
      <header className="door-top">
        <span className="brand-mark" aria-hidden="true">
          ＋
        </span>
        <span className="door-title">{t('riskAreas.publicTitle')}</span>
        <LangSwitch className="on-dark" />
      </header>
      <main className="live-main">
        <p className="muted">{t('riskAreas.publicLead')}</p>
        {data && (
          <p className="small muted" data-testid="risk-public-ruleset">
            {t('riskAreas.ruleSet', { name: currentLanguage() === 'en' ? data.ruleSet.name.en : data.ruleSet.name.zh })}
            {' · '}
            {t('riskAreas.updatedAt', { time: formatDateTime(data.updatedAt) })}
          </p>
        )}
        <ErrorBox error={list.error} />
        {list.loading && !data && <Loading />}
        {data && data.items.length === 0 && (
          <p className="empty" data-testid="risk-public-none">
            {t('riskAreas.nonePublic')}
          </p>
        )}
        {data && data.items.length > 0 && (
          <div className="risk-public-search">
            <label className="sr-only" htmlFor="risk-public-q">
              {t('riskNames.publicSearch')}
            </label>
            <input
              id="risk-public-q"
              type="search"
              data-testid="risk-public-search"
              value={q}
              maxLength={100}
              autoComplete="off"
              placeholder={t('riskNames.publicSearchHint')}
              aria-label={t('riskNames.publicSearch')}
              onChange={(e) => setQ(e.target.value)}
            />
            <span className="small muted" data-testid="risk-public-count">
              {t('riskNames.publicCount', { count: shown.length })}
            </span>
          </div>
        )}
        {data && data.items.length > 0 && shown.length === 0 && (
          <p className="empty" data-testid="risk-public-nomatch">
            {t('riskNames.publicNoMatch', { q: q.trim() })}
          </p>
        )}
        <ul className="risk-list" data-testid="risk-public-list">
          {shown.map((a) => (
            <li
              key={a.id}
              className={`risk-row risk-row-${a.level}`}
              data-testid="risk-public-row"
              data-level={a.level}
            >
              <div className="risk-row-head">
                <RiskBadge level={a.level} />
                <span className="risk-row-name" data-testid="risk-public-name">
                  {a.name}
                </span>
                <span className="muted small">{t(`riskAreas.unit.${a.unit}`)}</span>
              </div>
              {a.areaNames.length > 0 && (
                <div className="small muted" data-testid="risk-public-place">
                  {a.areaNames.join(' · ')}
                </div>
              )}
              <div className="small">{t('riskAreas.since', { time: formatDateTime(a.since) })}</div>
              <div className="risk-rule">{liftingText(t, a.liftingRule)}</div>
            </li>
          ))}
        </ul>
        <p className="small live-foot">
          <Link to="/login">{t('riskAreas.staffLogin')}</Link>
        </p>
      </main>
    </div>
  );
}
