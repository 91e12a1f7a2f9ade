// Test runner settings: unit tests are fast; integration tests share one real broker per file.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start JVMs and child processes: run files one at a time on 2 cores.
    fileParallelism: false,
    pool: 'forks',
    env: { NODE_ENV: 'production' },
  },
});
