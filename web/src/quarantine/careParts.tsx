// Pieces the site's pages share (rounds, site operations, allocation): the site picker remembered on
// the device, and the labels of care needs and alert kinds.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { useLoad } from '../shared/useLoad.ts';
import { sitesApi, type Site } from './sitesApi.ts';

const SITE_KEY = 'cordon.quarantine.site';

export function rememberedSite(): string {
  try {
    return localStorage.getItem(SITE_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * The site this device works at: the sites this user may see (a site worker: the sites whose roster
 * names them), the last one chosen kept on the device; with one site it is chosen at once.
 */
export function useSiteChoice(): {
  siteId: string;
  setSiteId: (id: string) => void;
  sites: Site[];
  loading: boolean;
  picker: React.ReactNode;
} {
  const { t } = useTranslation();
  const list = useLoad(() => sitesApi.sites({ limit: 100 }), []);
  const [siteId, setState] = useState(rememberedSite);
  const sites = list.data?.items ?? [];
  const setSiteId = (id: string) => {
    setState(id);
    try {
      localStorage.setItem(SITE_KEY, id);
    } catch {
      /* private mode: not remembered */
    }
  };
  useEffect(() => {
    if (!list.data) return;
    const items = list.data.items;
    if (items.length > 0 && !items.some((s) => s.id === siteId)) setSiteId(items[0]!.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [list.data]);
  const picker = (
    <>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && sites.length === 0 && <p className="empty">{t('qcare.noSite')}</p>}
      {sites.length > 1 && (
        <label className="field qc-site-picker">
          <span className="field-label">{t('qcare.site')}</span>
          <select value={siteId} data-testid="qcare-site" onChange={(e) => setSiteId(e.target.value)}>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
  return { siteId: sites.some((s) => s.id === siteId) ? siteId : '', setSiteId, sites, loading: list.loading, picker };
}

/** A care need's label (elderly, dialysis, …); an unknown one as it is. */
export function NeedChips({ needs }: { needs: readonly string[] }) {
  const { t } = useTranslation();
  if (needs.length === 0) return null;
  return (
    <span className="qc-needs">
      {needs.map((n) => (
        <span key={n} className="qc-need">
          {t(`qcare.need.${n}`, { defaultValue: n })}
        </span>
      ))}
    </span>
  );
}
