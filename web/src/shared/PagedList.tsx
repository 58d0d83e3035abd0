// A paged list's states: its error, loading, "none" when empty, the rows (drawn by the page) and the pager.
import type { ReactNode } from 'react';
import type { ApiError } from './api.ts';
import type { Loaded } from './useLoad.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { Loading } from './Loading.tsx';
import { Pager } from './Pager.tsx';

export function PagedList<T>({
  list,
  limit,
  offset,
  onOffset,
  empty,
  error,
  children,
}: {
  list: Loaded<{ items: T[]; total: number }>;
  limit: number;
  offset: number;
  onOffset: (offset: number) => void;
  /** What an empty list says. */
  empty: ReactNode;
  /** The error to show instead of the list's own (e.g. a row action's when the list has none). */
  error?: ApiError | null;
  /** The rows of a page that has some. */
  children: (items: T[]) => ReactNode;
}) {
  return (
    <>
      <ErrorBox error={error === undefined ? list.error : error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="empty">{empty}</p>}
      {list.data && list.data.items.length > 0 && children(list.data.items)}
      {list.data && <Pager total={list.data.total} limit={limit} offset={offset} onChange={onOffset} />}
    </>
  );
}
