// The unit tests of the pure core, in plain Node (no workerd): what `npm run mutate` runs for
// every mutant. The same files also run inside workerd with the rest of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // env.test.ts reads the Worker's bindings (cloudflare:test).
    // These read workerd's own modules (cloudflare:test): they run only in the workers pool.
    exclude: ['test/unit/env.test.ts', 'test/unit/relay-tables.test.ts', 'test/unit/session-pins.test.ts'],
    environment: 'node',
    setupFiles: ['./test/unit/node-setup.ts'],
  },
});
