/** Two overlapping discs: two parties at one table. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" className="brand-mark">
      <rect width="32" height="32" rx="7" fill="var(--brand)" />
      <circle cx="12.5" cy="16" r="6.5" fill="none" stroke="#fff" strokeWidth="2" />
      <circle cx="19.5" cy="16" r="6.5" fill="none" stroke="#c9d6e8" strokeWidth="2" />
    </svg>
  );
}
