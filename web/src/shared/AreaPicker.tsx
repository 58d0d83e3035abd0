// Picks an area inside the user's scope: the root, then one select per level below it (children
// loaded when their parent is chosen). The deepest choice is the value.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { registryApi } from '../registry/registryApi.ts';
import type { Area } from './types.ts';
import { useLoad } from './useLoad.ts';
import { ErrorBox } from './ErrorBox.tsx';

export function AreaPicker({ onChange, testId }: { onChange: (area: Area) => void; testId?: string }) {
  const { t } = useTranslation();
  const roots = useLoad(() => registryApi.rootAreas(), []);
  const root = roots.data?.items[0];
  const [chain, setChain] = useState<Area[]>([]);
  const [children, setChildren] = useState<Record<string, Area[]>>({});

  const levels = useMemo(() => (root ? [root, ...chain] : []), [root, chain]);
  // The root is the value until a level below is chosen: said once per root.
  const announced = useRef<string | null>(null);
  useEffect(() => {
    if (!root || announced.current === root.id) return;
    announced.current = root.id;
    if (chain.length === 0) onChange(root);
  }, [root, chain.length, onChange]);
  // Each level's children, asked once (again after a failure, when the levels change).
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const area of levels) {
      if (area.childCount > 0 && !asked.current.has(area.id)) {
        asked.current.add(area.id);
        registryApi.childAreas(area.id).then(
          (r) => setChildren((c) => ({ ...c, [area.id]: r.items })),
          () => {
            asked.current.delete(area.id);
          },
        );
      }
    }
  }, [levels]);

  if (roots.error) return <ErrorBox error={roots.error} />;
  if (!root)
    return (
      <select disabled>
        <option>{t('common.loading')}</option>
      </select>
    );
  return (
    <div className="area-picker" data-testid={testId}>
      <div className="area-picker-root">{root.name}</div>
      {levels
        .filter((a) => a.childCount > 0)
        .map((parent, i) => {
          const kids = children[parent.id];
          const chosen = chain[i];
          return (
            <select
              key={parent.id}
              data-testid={testId ? `${testId}-${i}` : undefined}
              value={chosen?.id ?? ''}
              aria-label={t('venues.areaBelow', { name: parent.name })}
              onChange={(e) => {
                const next = kids?.find((k) => k.id === e.target.value);
                const kept = chain.slice(0, i);
                const newChain = next ? [...kept, next] : kept;
                setChain(newChain);
                onChange(newChain[newChain.length - 1] ?? root);
              }}
            >
              <option value="">{t('venues.wholeArea', { name: parent.name })}</option>
              {kids?.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name}
                </option>
              ))}
            </select>
          );
        })}
    </div>
  );
}
