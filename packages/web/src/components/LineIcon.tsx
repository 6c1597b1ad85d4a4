import type { ReactNode } from 'react';

/**
 * A line drawing on a 20×20 grid in the text's colour. Hidden from assistive technology: the text beside it says
 * what it means. Drawn rather than an emoji, which a system without an emoji font shows as an empty box.
 */
export function LineIcon({
  d,
  className,
  weight = 1.6,
  children,
}: {
  d: string;
  className: string;
  weight?: number;
  /** Further marks over the drawing (e.g. the stroke through a muted microphone). */
  children?: ReactNode;
}) {
  return (
    <svg className={className} viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d={d} fill="none" stroke="currentColor" strokeWidth={weight} strokeLinecap="round" strokeLinejoin="round" />
      {children}
    </svg>
  );
}
