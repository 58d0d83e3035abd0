// Picks a registered person by name prefix, ID number or phone (the registry search; identities masked).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { tracingApi } from './tracingApi.ts';
import type { PersonView } from '../registry/types.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';

/** Finds a registered person by name prefix, ID number or phone (the registry search, masked). */
export function PersonPicker({
  value,
  onChange,
  testId,
}: {
  value: PersonView | null;
  onChange: (p: PersonView | null) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<PersonView[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const term = q.trim();
    if (term.length < 1) {
      setResults([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      tracingApi.searchPersons(term).then(
        (page) => {
          if (live) {
            setResults(page.items);
            setError(null);
          }
        },
        (err: unknown) => {
          if (live) setError(toApiError(err));
        },
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);
  if (value) {
    return (
      <div className="person-chosen" data-testid={`${testId}-chosen`}>
        <span>
          <strong>{value.name}</strong> · {value.areaName}
          {value.address ? ` · ${value.address}` : ''}
        </span>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange(null)}>
          {t('tracing.cases.change')}
        </button>
      </div>
    );
  }
  return (
    <div>
      <input
        data-testid={`${testId}-search`}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={t('tracing.cases.searchPerson')}
        autoComplete="off"
      />
      <ErrorBox error={error} />
      {results.length > 0 && (
        <ul className="person-pick" data-testid={`${testId}-results`}>
          {results.map((p) => (
            <li key={p.id}>
              <button type="button" data-testid={`${testId}-result`} data-person-id={p.id} onClick={() => onChange(p)}>
                <strong>{p.name}</strong>{' '}
                <span className="muted small">
                  {p.areaName}
                  {p.address ? ` · ${p.address}` : ''} · {p.idNumber ?? '—'}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
