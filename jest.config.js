/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Unit tests run single-threaded: the machines have 2 shared cores (test/setup.ts).
  setupFiles: ['<rootDir>/test/setup.ts'],
  maxWorkers: 2,
  testTimeout: 60000,
};
