// Keyboard review over a list of rows, wherever the focus is on the page (not in a text box): ↓/↑ (or
// J) move the selection from row to row — the first press selects the remembered row, the first at
// the start — and C / G / K / D act on the selected row (its own key handler decides, see
// ReviewControls). The selected row is marked `data-selected` and kept across reloads by position.
import { useEffect, useRef, type RefObject } from 'react';

const ACTION_KEYS = new Set(['c', 'g', 'k', 'd']);

export function useRowKeys(container: RefObject<HTMLElement | null>, selector: string): void {
  const selected = useRef(0);
  /** Whether the user has selected a row yet (the first ↓ then selects rather than moves). */
  const active = useRef(false);

  // After every render: mark the selected row, and give it the focus back when a review reloaded it
  // (the row re-mounts and the focus falls to the page).
  useEffect(() => {
    const rows = [...(container.current?.querySelectorAll<HTMLElement>(selector) ?? [])];
    const at = Math.min(selected.current, rows.length - 1);
    rows.forEach((r, i) => {
      if (i === at) r.setAttribute('data-selected', '');
      else r.removeAttribute('data-selected');
    });
    if (active.current && at >= 0 && (document.activeElement === document.body || document.activeElement === null))
      rows[at]!.focus({ preventScroll: true });
  });

  useEffect(() => {
    const rowsNow = () => [...(container.current?.querySelectorAll<HTMLElement>(selector) ?? [])];
    const select = (rows: HTMLElement[], i: number) => {
      selected.current = i;
      active.current = true;
      rows.forEach((r, j) => {
        if (j === i) r.setAttribute('data-selected', '');
        else r.removeAttribute('data-selected');
      });
      rows[i]!.focus({ preventScroll: true });
      rows[i]!.scrollIntoView({ block: 'nearest' });
    };
    const onFocus = (e: FocusEvent) => {
      const rows = rowsNow();
      const i = rows.findIndex((r) => r.contains(e.target as Node));
      if (i >= 0 && i !== selected.current) select(rows, i);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const target = e.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
      const rows = rowsNow();
      if (!rows.length) return;
      const focused = rows.findIndex((r) => r.contains(document.activeElement));
      const at = Math.min(selected.current, rows.length - 1);
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (key === 'ArrowDown' || key === 'ArrowUp' || key === 'j') {
        e.preventDefault();
        const from = focused >= 0 ? focused : active.current ? at : -1;
        select(rows, from < 0 ? at : Math.max(0, Math.min(rows.length - 1, from + (key === 'ArrowUp' ? -1 : 1))));
      } else if (ACTION_KEYS.has(key) && focused < 0) {
        // Nothing focused yet (no click needed): the selected row takes the key.
        e.preventDefault();
        select(rows, at);
        rows[at]!.dispatchEvent(new KeyboardEvent('keydown', { key: e.key, bubbles: true, cancelable: true }));
      }
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('focusin', onFocus);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('focusin', onFocus);
    };
  }, [container, selector]);
}
