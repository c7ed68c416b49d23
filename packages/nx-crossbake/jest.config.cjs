/** Unit and orchestration tests: pure builders, parsers, and executors with the process runner replaced. */
module.exports = {
  displayName: 'nx-crossbake',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
};
