// 中文 / English: one button that switches to the other language; the current one is highlighted.
import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage } from './i18n.ts';

export function LangSwitch({ className = '' }: { className?: string }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const next = lang === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <button
      type="button"
      className={`lang-switch ${className}`}
      data-testid="lang-switch"
      aria-label={t('lang.switchTo')}
      title={t('lang.switchTo')}
      onClick={() => setLanguage(next)}
    >
      <span className={lang === 'zh-CN' ? 'on' : ''} lang="zh-CN">
        中文
      </span>
      <span aria-hidden="true" className="sep">
        /
      </span>
      <span className={lang === 'en' ? 'on' : ''} lang="en">
        English
      </span>
    </button>
  );
}
