// 搜索 Search: an 18-digit ID number or an 11-digit phone is matched exactly, anything else by
// name prefix; results are masked and link to the household.
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { registryApi } from './registryApi.ts';
import { useLoad } from '../shared/useLoad.ts';
import { CareTags } from './CareTags.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { Pager } from '../shared/Pager.tsx';
import type { Page } from '../shared/types.ts';
import type { PersonView } from './types.ts';

const PAGE = 50;

export function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const result = useLoad<Page<PersonView> | null>(
    () => (q ? registryApi.searchPersons(q, PAGE, offset) : Promise.resolve(null)),
    [q, offset],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    setParams(v ? { q: v } : {});
  };

  return (
    <div className="search-page">
      <h1 className="page-title">{t('search.title')}</h1>
      <form className="card search-box" role="search" onSubmit={submit}>
        <label className="sr-only" htmlFor="search-q">
          {t('search.label')}
        </label>
        <div className="search-row">
          <input
            id="search-q"
            data-testid="search-input"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('search.placeholder')}
            autoComplete="off"
            spellCheck={false}
            enterKeyHint="search"
          />
          <button type="submit" className="btn btn-primary" data-testid="search-submit">
            {t('search.submit')}
          </button>
        </div>
        <p className="field-hint">{t('search.hint')}</p>
      </form>

      {q && (
        <div className="card">
          <ErrorBox error={result.error} />
          {result.loading && <Loading />}
          {result.data && (
            <>
              <h2 className="card-title">{t('search.found', { count: result.data.total, q })}</h2>
              {result.data.items.length === 0 ? (
                <p className="empty">{t('search.none')}</p>
              ) : (
                <ul className="result-list" data-testid="search-results">
                  {result.data.items.map((p) => (
                    <ResultItem key={p.id} p={p} />
                  ))}
                </ul>
              )}
              <Pager
                total={result.data.total}
                limit={PAGE}
                offset={offset}
                onChange={(o) => setParams({ q, offset: String(o) })}
              />
            </>
          )}
        </div>
      )}
    </div>
  );
}

function ResultItem({ p }: { p: PersonView }) {
  const { t } = useTranslation();
  const body = (
    <>
      <div className="result-main">
        <span className="person-name">{p.name}</span>
        <span className="muted">
          {[p.sex ? t(`sex.${p.sex}`) : '', p.age !== null ? t('person.years', { age: p.age }) : '']
            .filter(Boolean)
            .join(' · ')}
        </span>
        <CareTags tags={p.careTags} />
      </div>
      <div className="result-ids mono">
        <span>{p.idNumber ?? '—'}</span>
        <span>{p.phone ?? '—'}</span>
      </div>
      <div className="result-place muted">
        {p.areaName}
        {p.address ? ` · ${p.address}` : ''}
      </div>
    </>
  );
  return (
    <li data-testid="search-result">
      {p.householdId ? (
        <Link className="result" to={`/households/${p.householdId}`} data-testid="search-result-link">
          {body}
        </Link>
      ) : (
        <div className="result">
          {body}
          <div className="muted small">{t('search.noHousehold')}</div>
        </div>
      )}
    </li>
  );
}
