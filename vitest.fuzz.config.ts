import { defineConfig } from 'vitest/config';

// `npm run test:fuzz`: the property-based fuzz files, kept out of the normal run. One file at a time,
// so the 60 s budget (ZHIKU_FUZZ_SECONDS) is wall time.
export default defineConfig({
  test: {
    include: ['src/**/*.fuzz.ts', 'test/**/*.fuzz.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
    pool: 'forks',
  },
});
