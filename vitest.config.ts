import { defineConfig } from 'vitest/config';

// .ci/run sets FISHERLAB_TEST_REPORT so that `npm test`, unchanged, also writes vitest's JSON
// report there (it reads the pass and fail counts from it).
const report = process.env.FISHERLAB_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // A test that makes no expect() assertion fails: it would pass whatever the code did.
    expect: { requireAssertions: true },
    ...(report ? { reporters: ['default', 'json'], outputFile: { json: report } } : {}),
  },
});
