import { defineConfig } from 'vitest/config';

// `npm run test:unit`: every package's unit tier at once, with no service running.
export default defineConfig({
  test: {
    include: ['*/test/**/*.unit.test.ts', 'infra/kit/test/**/*.unit.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
