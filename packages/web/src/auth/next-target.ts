/** Where to go after signing in when no (acceptable) destination was given. */
export const HOME = '/groups';

/**
 * The post-sign-in destination, only if it is a path on this site. Anything a browser or the router could read as
 * another origin — `//host`, `/\host` (browsers treat `\` as `/`), a scheme, control characters, or the same
 * tricks percent-encoded once more — lands on the home page instead.
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000) return HOME;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return HOME;
  }
  for (const candidate of [raw, decoded]) {
    if (!candidate.startsWith('/') || candidate.startsWith('//')) return HOME;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
    if (/[\\\u0000-\u001f\u007f]/.test(candidate)) return HOME;
  }
  const base = 'https://parley.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return HOME;
  }
  if (url.origin !== base) return HOME;
  const path = url.pathname + url.search + url.hash;
  // Returning to the sign-in page itself would loop.
  return path === '/sign-in' || path.startsWith('/sign-in?') ? HOME : path;
}
