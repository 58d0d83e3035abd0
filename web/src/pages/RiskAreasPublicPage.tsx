// 中高风险区 Public list (no sign-in): the high and medium risk areas in force, since when, and the rule
// of the rule set in force that lowers each one. Place names, levels, dates and rules only — nothing
// about any person.
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { riskAreasApi, type LiftingRule, type RiskLevel } from '../riskAreasApi.ts';
import { useLoad } from '../useLoad.ts';
import { currentLanguage } from '../i18n.ts';
import { formatDateTime } from '../format.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { LangSwitch } from '../components/LangSwitch.tsx';
import { Loading } from '../components/Loading.tsx';
import '../riskareas.css';

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
  const extra = (rule.negativeRoundOnDay !== null ? t('riskAreas.liftRuleRound', { day: rule.negativeRoundOnDay }) : '')
    + (rule.minDaysAtLevel !== null ? t('riskAreas.liftRuleAtLevel', { days: rule.minDaysAtLevel }) : '');
  return t('riskAreas.liftRule', { days: rule.daysWithoutCase, extra, to: t(`riskAreas.levelArea.${rule.to}`) });
}

export function RiskAreasPublicPage() {
  const { t } = useTranslation();
  const list = useLoad(() => riskAreasApi.publicList(), []);
  const data = list.data;
  return (
    <div className="live-page">
      <header className="door-top">
        <span className="brand-mark" aria-hidden="true">＋</span>
        <span className="door-title">{t('riskAreas.publicTitle')}</span>
        <LangSwitch className="on-dark" />
      </header>
      <main className="live-main">
        <p className="muted">{t('riskAreas.publicLead')}</p>
        {data && (
          <p className="small muted" data-testid="risk-public-ruleset">
            {t('riskAreas.ruleSet', { name: currentLanguage() === 'en' ? data.ruleSet.name.en : data.ruleSet.name.zh })}
            {' · '}{t('riskAreas.updatedAt', { time: formatDateTime(data.updatedAt) })}
          </p>
        )}
        <ErrorBox error={list.error} />
        {list.loading && !data && <Loading />}
        {data && data.items.length === 0 && <p className="empty" data-testid="risk-public-none">{t('riskAreas.nonePublic')}</p>}
        <ul className="risk-list" data-testid="risk-public-list">
          {data?.items.map((a) => (
            <li key={a.id} className={`risk-row risk-row-${a.level}`} data-testid="risk-public-row" data-level={a.level}>
              <div className="risk-row-head">
                <RiskBadge level={a.level} />
                <span className="risk-row-name">{a.name}</span>
                <span className="muted small">{t(`riskAreas.unit.${a.unit}`)}</span>
              </div>
              {a.areaNames.length > 0 && <div className="small muted">{a.areaNames.join(' · ')}</div>}
              <div className="small">{t('riskAreas.since', { time: formatDateTime(a.since) })}</div>
              <div className="risk-rule">{liftingText(t, a.liftingRule)}</div>
            </li>
          ))}
        </ul>
        <p className="small live-foot"><Link to="/login">{t('riskAreas.staffLogin')}</Link></p>
      </main>
    </div>
  );
}
