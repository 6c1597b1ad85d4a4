import { useEffect, useState } from 'react';

/** Phone-sized call room (portrait): too narrow for a grid of tiles side by side. */
const NARROW = '(max-width: 600px)';

export function useNarrowStage(): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW).matches);
  useEffect(() => {
    const query = window.matchMedia(NARROW);
    const update = () => setNarrow(query.matches);
    update();
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return narrow;
}
