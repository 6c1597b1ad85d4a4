import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from 'react';

const GAP = 12;
const SIDE_GAP = 16;
const HEAD = 34; // a side's heading above its tiles
const PAD = 32;

export interface TileLayout {
  tileWidth: number;
  /** Columns of each side group, in the order given. */
  columns: number[];
}

/**
 * The biggest 16:9 tiles that fit the stage when every side keeps its own block of columns, all blocks side by
 * side with the same number of rows (so a 2 + 1 call becomes two stacked tiles next to one, not three small ones).
 */
export function bestLayout(width: number, height: number, counts: number[]): TileLayout {
  const total = Math.max(1, Math.max(...counts, 1));
  let best: TileLayout = { tileWidth: 0, columns: counts.map(() => 1) };
  for (let rows = 1; rows <= total; rows++) {
    const columns = counts.map((n) => Math.max(1, Math.ceil(n / rows)));
    const cols = columns.reduce((a, b) => a + b, 0);
    const byWidth = (width - PAD - (cols - counts.length) * GAP - (counts.length - 1) * SIDE_GAP) / cols;
    const byHeight = ((height - PAD - HEAD - (rows - 1) * GAP) / rows) * (16 / 9);
    const tileWidth = Math.floor(Math.min(byWidth, byHeight));
    if (tileWidth > best.tileWidth) best = { tileWidth, columns };
  }
  return best;
}

interface StageSize {
  width: number;
  height: number;
}

/**
 * Re-plans on every resize of the stage element and every change of the per-side counts. The stage's size is
 * measured once as the grid appears and then taken from its ResizeObserver: someone joining or leaving changes the
 * counts, not the stage, so the new plan needs no measure. (Measuring there forced the browser to lay the page out
 * in the middle of React's commit, once for every roster change of a join, on a page that is busy with the call.)
 */
export function useTileLayout(ref: RefObject<HTMLElement | null>, counts: number[]): TileLayout | null {
  const key = counts.join(',');
  const [layout, setLayout] = useState<TileLayout | null>(null);
  // What the latest plan was made from: the observer and a roster change each update their half.
  const from = useRef<{ size: StageSize | null; key: string }>({ size: null, key });
  const plan = useCallback(() => {
    const { size, key } = from.current;
    if (!size) return;
    const next = bestLayout(size.width, size.height, key ? key.split(',').map(Number) : []);
    // The stage resizes whenever anything around it moves (a panel, a notice): the same plan keeps the same object,
    // so the tiles do not render again for nothing.
    setLayout((was) => (was?.tileWidth === next.tileWidth && was.columns.join() === next.columns.join() ? was : next));
  }, []);
  useLayoutEffect(() => {
    from.current.key = key;
    plan();
  }, [key, plan]);
  const shown = key !== '';
  useLayoutEffect(() => {
    const el = ref.current;
    if (!shown || !el) return;
    // Read after the browser's own layout when the observer calls; at once only as the grid appears.
    const measure = () => {
      from.current.size = { width: el.clientWidth, height: el.clientHeight };
      plan();
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, shown, plan]);
  return layout;
}
