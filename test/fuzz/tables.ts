// The fuzz tables by name, loaded on demand (the runner needs one per process).
import type { Entry } from './engine';

export const TABLES: Record<string, () => Entry[]> = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  native: () => (require('./native-table') as typeof import('./native-table')).NATIVE_TABLE,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  api: () => (require('./api-table') as typeof import('./api-table')).API_TABLE,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  canary: () => (require('./canary-table') as typeof import('./canary-table')).CANARY_TABLE,
};
