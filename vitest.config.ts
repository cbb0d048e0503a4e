import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // A test that makes no expect() assertion fails: it would pass whatever the code did.
    expect: { requireAssertions: true },
  },
});
