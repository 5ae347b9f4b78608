import { defineConfig } from 'vitest/config';

// `npm run test:stress`: the full-size reliability runs (10,000 documents killed five times; a file
// at the default 200 MiB limit). Not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/reliability/crash.test.ts', 'test/**/*.stress.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 1_800_000,
  },
});
