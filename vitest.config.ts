import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the "source" condition,
// so tests run against src/ without a build step.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['**/*.api.test.ts', '**/node_modules/**', '**/dist/**'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'api',
          include: ['packages/*/src/**/*.api.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          testTimeout: 60_000,
          // Each file opens its own PGlite and migrates it: with browsers and Janus running beside the API files on
          // two cores, that start-up alone can take over a minute.
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          // Fails any test during which a page reported a Content-Security-Policy violation.
          setupFiles: ['e2e/support/csp-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // What a browser page shows can lag well behind a click on a loaded 2-core machine (a save's round trip,
          // a live update): a poll waits up to 15 s rather than the default 1 s before it counts as failed.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
