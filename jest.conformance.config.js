// Failure-injection tests of `npm run conformance` (files named *.conformance.ts). Each makes one
// change in a temporary copy of a configuration, runs the conformance run on it and asserts that the
// real engines fail it, naming the file. They need the engines (Go), so they are not part of
// `npm test`: scripts/conformance/run.ts runs them after its stages and reports each test in its
// summary (CONFORMANCE_INJECTION=0 leaves them out, and the summary says so).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/scripts'],
  testMatch: ['**/*.conformance.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  testTimeout: 600000,
};
