/**
 * One jest run covers both kinds of test:
 * - marbles/   virtual-time specs (TestScheduler), no I/O
 * - __tests__/ unit and integration tests against real loopback servers (127.0.0.1, port 0)
 * Type errors are caught by `tsc --noEmit` in `pretest`, so ts-jest only transpiles.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/marbles', '<rootDir>/__tests__'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // ccxt's CommonJS build requires @noble's and @scure's ESM-only packages (Node 20 loads them natively, jest
    // does not): transpile just those for the conformance suite.
    '^.+/node_modules/@(noble|scure)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@noble/|@scure/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 20000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/__tests__/support/summary-reporter.js'],
};
