import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// @parley/protocol exports its TypeScript sources under the "source" condition; bundle those directly.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
