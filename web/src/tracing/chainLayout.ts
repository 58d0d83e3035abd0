// The chain graph's layout by cluster, with the cases as its spine: each cluster is a band; its cases stand
// in a row in the order they began (wrapping after a few), and everything reached from a case (its venues,
// contacts, the groups folded under them) hangs below it in rows by distance from the case, the groups
// (counted crowds) after the people on wider spacing, so nothing sits on anything. Pure and
// deterministic: the same graph gives the same picture, and a few thousand nodes take milliseconds.

/** What the layout reads of the graph GET /chains sends (tracingApi.ts's ChainGraph fits it). */
interface LayoutNode {
  id: string;
  kind: string;
  contactClass: string | null;
  firstAt: number | null;
}
export interface LayoutGraph {
  nodes: readonly LayoutNode[];
  edges: ReadonlyArray<{ source: string; target: string }>;
  clusters: ReadonlyArray<{ nodeIds: readonly string[] }>;
}

export interface Point {
  x: number;
  y: number;
}

const COLUMNS = 5;
const STEP_X = 54;
const STEP_Y = 58;
const CASE_GAP = COLUMNS * STEP_X + 70;
const CASES_PER_ROW = 8;
const BAND_GAP = 140;
const GROUP_STEP = 96;
const GROUPS_PER_ROW = 3;

const RANKS: Record<string, number> = { case: 0, venue: 1, close: 2, secondary: 3, general: 4 };
const rank = (n: LayoutNode | undefined) =>
  n ? (RANKS[n.kind === 'contact' ? (n.contactClass ?? 'general') : n.kind] ?? 5) : 5;

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/** Positions by node id. */
export function spineLayout(g: LayoutGraph): Map<string, Point> {
  const near = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const l = near.get(a);
    if (l) l.push(b);
    else near.set(a, [b]);
  };
  for (const e of g.edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const order = (a: string, b: string) =>
    (byId.get(a)?.firstAt ?? 0) - (byId.get(b)?.firstAt ?? 0) || a.localeCompare(b);

  // Clusters as sent (largest first); what no cluster names makes a band of its own.
  const bands: string[][] = g.clusters.map((c) => c.nodeIds.filter((id) => byId.has(id)));
  const placed = new Set(bands.flat());
  const rest = g.nodes.map((n) => n.id).filter((id) => !placed.has(id));
  if (rest.length) bands.push(rest);

  const out = new Map<string, Point>();
  let top = 0;
  for (const band of bands) {
    if (!band.length) continue;
    const members = new Set(band);
    let spine = band.filter((id) => byId.get(id)?.kind === 'case').sort(order);
    if (!spine.length) spine = [band.slice().sort(order)[0]!];
    // Everything hangs from the case that reaches it first (breadth first from all cases at once).
    const hang = new Map<string, string[]>(spine.map((id) => [id, []]));
    const owner = new Map<string, string>(spine.map((id) => [id, id]));
    const level = new Map<string, number>(spine.map((id) => [id, 0]));
    let ring = spine.slice();
    while (ring.length) {
      const next: string[] = [];
      for (const id of ring) {
        const neighbours = (near.get(id) ?? []).filter((m) => members.has(m) && !owner.has(m)).sort(order);
        for (const m of neighbours) {
          const root = owner.get(id)!;
          owner.set(m, root);
          level.set(m, level.get(id)! + 1);
          hang.get(root)!.push(m);
          next.push(m);
        }
      }
      ring = next;
    }
    for (const id of band)
      if (!owner.has(id)) {
        owner.set(id, spine[0]!);
        level.set(id, 1);
        hang.get(spine[0]!)!.push(id);
      }

    // Rows of cases; each case as wide as what hangs from it (a crowd drawn one by one makes a wider,
    // squarer grid), each row as tall as its deepest hanging grid.
    const columnsOf = (caseId: string) => {
      const widest = Math.max(
        0,
        ...[...countBy(hang.get(caseId)!, (id) => `${level.get(id)}:${byId.get(id)?.kind === 'group'}`).values()],
      );
      return Math.min(60, Math.max(COLUMNS, Math.ceil(Math.sqrt(widest * 1.6))));
    };
    for (let r = 0; r * CASES_PER_ROW < spine.length; r++) {
      const row = spine.slice(r * CASES_PER_ROW, (r + 1) * CASES_PER_ROW);
      let depth = 0;
      let x = 0;
      row.forEach((caseId, i) => {
        const columns = columnsOf(caseId);
        const width = Math.max(columns * STEP_X, GROUPS_PER_ROW * GROUP_STEP);
        x += i === 0 ? 0 : width / 2;
        out.set(caseId, { x, y: top });
        // Row by row: the people and venues of each distance from the case, then its groups.
        const byLevel = new Map<number, { plain: string[]; groups: string[] }>();
        for (const id of hang.get(caseId)!) {
          const d = level.get(id) ?? 1;
          let slot = byLevel.get(d);
          if (!slot) {
            slot = { plain: [], groups: [] };
            byLevel.set(d, slot);
          }
          slot[byId.get(id)?.kind === 'group' ? 'groups' : 'plain'].push(id);
        }
        let y = top + STEP_Y + 14;
        for (const d of [...byLevel.keys()].sort((a, b) => a - b)) {
          const { plain, groups } = byLevel.get(d)!;
          // Venues first, then the closest contacts, each kind a block of its own: what matters most sits
          // nearest the case, and hiding a kind leaves the others compact.
          plain.sort((a, b) => rank(byId.get(a)) - rank(byId.get(b)));
          for (const block of countBy(plain, (id) => String(rank(byId.get(id)))).values()) {
            const ids = plain.splice(0, block);
            const cols = Math.min(columns, Math.max(COLUMNS, Math.ceil(Math.sqrt(ids.length * 1.6))));
            ids.forEach((id, k) => {
              out.set(id, {
                x: x + ((k % cols) - (Math.min(cols, ids.length) - 1) / 2) * STEP_X,
                y: y + Math.floor(k / cols) * STEP_Y,
              });
            });
            y += Math.ceil(ids.length / cols) * STEP_Y;
          }
          groups.forEach((id, k) => {
            const inRow = Math.min(GROUPS_PER_ROW, groups.length - Math.floor(k / GROUPS_PER_ROW) * GROUPS_PER_ROW);
            out.set(id, {
              x: x + ((k % GROUPS_PER_ROW) - (inRow - 1) / 2) * GROUP_STEP,
              y: y + 20 + Math.floor(k / GROUPS_PER_ROW) * GROUP_STEP,
            });
          });
          if (groups.length) y += Math.ceil(groups.length / GROUPS_PER_ROW) * GROUP_STEP;
        }
        depth = Math.max(depth, y - top);
        x += width / 2 + CASE_GAP - COLUMNS * STEP_X;
      });
      top += depth + BAND_GAP / 2;
    }
    top += BAND_GAP / 2;
  }
  return out;
}
