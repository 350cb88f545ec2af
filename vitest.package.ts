import { defineConfig } from 'vitest/config';

/** Every package's test settings; each package's vitest.config.ts re-exports this. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files share the machine's two cores and one PostgreSQL: run them one at a time.
    fileParallelism: false,
  },
});
