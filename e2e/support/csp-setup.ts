import { afterAll, afterEach } from 'vitest';
import { takeCspViolations } from './csp-guard.js';

// Loaded for every e2e file (vitest setupFiles): a CSP violation in any page fails the test it happened in.
const check = () => {
  const seen = takeCspViolations();
  if (seen.length) throw new Error(`Content-Security-Policy violations:\n${seen.join('\n')}`);
};
afterEach(check);
afterAll(check);
