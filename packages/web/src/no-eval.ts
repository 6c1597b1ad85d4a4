import { z } from 'zod';

// Imported first by main.tsx, before any schema exists: zod decides whether it may compile parsers with
// `new Function` when a schema is built, and even its caught probe is reported as a violation of the app's CSP
// (script-src without 'unsafe-eval'). jitless skips both.
z.config({ jitless: true });
