// A label followed by its colon in the reader's language: “依据：” in Chinese, “Basis: ” in English
// (common.colon), never a half-width colon after Chinese words.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';

/** The label with its colon, as text. */
export function withColon(t: TFunction, label: string): string {
  return `${label}${t('common.colon')}`;
}

/** The label with its colon, as an element: <Label text={t('health.basis')} />{value}. */
export function Label({ text }: { text: string }) {
  const { t } = useTranslation();
  return <>{withColon(t, text)}</>;
}
