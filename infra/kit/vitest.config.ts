import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files share the machine's two cores and one PostgreSQL: run them one at a time.
    fileParallelism: false,
  },
});
