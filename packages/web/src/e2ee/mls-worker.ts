// The page's MLS worker: joins from Welcomes off the page's thread, which meanwhile answers the SFU's offer and
// renders the call room (docs/call-keys.md §11). It holds nothing between joins.
import { type JoinPort, serveWelcomeJoins } from '@parley/e2ee';

serveWelcomeJoins(globalThis as unknown as JoinPort);
