// The area tree (区 → 街道 → 社区 → 网格), children loaded lazily when a node is opened.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError } from '../shared/api.ts';
import { registryApi } from './registryApi.ts';
import type { Area } from '../shared/types.ts';
import { toApiError } from '../shared/useLoad.ts';
import { formatNumber } from '../shared/format.ts';

type Children = Area[] | 'loading' | ApiError;

interface TreeProps {
  roots: readonly Area[];
  selectedId: string | null;
  /** Nodes to open (the ancestors of the selected area), e.g. after following a link. */
  openIds: readonly string[];
  onSelect: (area: Area) => void;
}

export function AreaTree({ roots, selectedId, openIds, onSelect }: TreeProps) {
  const { t } = useTranslation();
  const [children, setChildren] = useState<Record<string, Children>>({});
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});

  const requested = useRef(new Set<string>());

  const load = useCallback((id: string) => {
    requested.current.add(id);
    setChildren((c) => ({ ...c, [id]: 'loading' }));
    registryApi.childAreas(id).then(
      (r) => setChildren((c) => ({ ...c, [id]: r.items })),
      (err: unknown) => {
        requested.current.delete(id);
        setChildren((c) => ({ ...c, [id]: toApiError(err) }));
      },
    );
  }, []);

  const open = useCallback(
    (id: string) => {
      setExpanded((e) => ({ ...e, [id]: true }));
      if (!requested.current.has(id)) load(id);
    },
    [load],
  );

  useEffect(() => {
    for (const id of openIds) open(id);
  }, [openIds, open]);

  const toggle = (id: string) => {
    if (expanded[id]) setExpanded((e) => ({ ...e, [id]: false }));
    else open(id);
  };

  const renderNodes = (areas: readonly Area[], depth: number) => (
    <ul
      className="tree-level"
      role={depth === 0 ? 'tree' : 'group'}
      aria-label={depth === 0 ? t('registry.treeLabel') : undefined}
    >
      {areas.map((a) => {
        const isOpen = !!expanded[a.id];
        const kids = children[a.id];
        return (
          <li
            key={a.id}
            role="treeitem"
            aria-expanded={a.childCount > 0 ? isOpen : undefined}
            aria-selected={a.id === selectedId}
          >
            <div
              className={`tree-row ${a.id === selectedId ? 'selected' : ''}`}
              style={{ paddingLeft: `${depth * 16 + 4}px` }}
            >
              {a.childCount > 0 ? (
                <button
                  type="button"
                  className="tree-toggle"
                  aria-label={isOpen ? t('registry.collapse') : t('registry.expand')}
                  onClick={() => toggle(a.id)}
                >
                  <span className={`chevron ${isOpen ? 'open' : ''}`} aria-hidden="true" />
                </button>
              ) : (
                <span className="tree-toggle-spacer" aria-hidden="true" />
              )}
              <button
                type="button"
                className="tree-node"
                data-testid={`area-node-${a.code}`}
                onClick={() => {
                  onSelect(a);
                  if (a.childCount > 0 && !isOpen) open(a.id);
                }}
              >
                <span className="tree-name">{a.name}</span>
                <span className="tree-meta">
                  <span className={`level level-${a.level}`}>{t(`level.${a.level}`, { defaultValue: a.level })}</span>
                  {a.childCount > 0 && (
                    <span className="tree-count" title={t('registry.childCount')}>
                      {formatNumber(a.childCount)}
                    </span>
                  )}
                </span>
              </button>
            </div>
            {isOpen && kids === 'loading' && (
              <div className="tree-note" style={{ paddingLeft: `${depth * 16 + 40}px` }}>
                {t('common.loading')}
              </div>
            )}
            {isOpen && kids instanceof Error && (
              <div className="tree-note error" style={{ paddingLeft: `${depth * 16 + 40}px` }}>
                {kids.detail} <code>{kids.code}</code>{' '}
                <button type="button" className="link-button" onClick={() => load(a.id)}>
                  {t('common.retry')}
                </button>
              </div>
            )}
            {isOpen && Array.isArray(kids) && kids.length > 0 && renderNodes(kids, depth + 1)}
          </li>
        );
      })}
    </ul>
  );

  return <div className="tree">{renderNodes(roots, 0)}</div>;
}
