// Care tags (关爱标签) as coloured badges: 独居老人, 卧床, 孕妇, 透析, 无智能手机.
import { useTranslation } from 'react-i18next';

export function CareTags({ tags }: { tags: readonly string[] }) {
  const { t } = useTranslation();
  if (!tags.length) return null;
  return (
    <span className="tags">
      {tags.map((tag) => (
        <span key={tag} className={`tag tag-${tag}`} data-testid={`care-tag-${tag}`}>
          {t(`careTag.${tag}`, { defaultValue: tag })}
        </span>
      ))}
    </span>
  );
}
