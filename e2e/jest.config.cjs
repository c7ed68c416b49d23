/**
 * e2e: the real CLI (npx nx …) in fresh workspaces, on the real engine, buildx, QEMU and registry.
 * globalSetup brings the rig up from nothing, starts its BuildKit daemons, packs the plugin and installs it in
 * one template workspace per Nx version of the matrix (support/nx-matrix.cjs); globalTeardown stops the daemons.
 * Tests run one at a time.
 */
module.exports = {
  displayName: 'e2e',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.e2e.ts'],
  globalSetup: '<rootDir>/support/global-setup.cjs',
  globalTeardown: '<rootDir>/support/global-teardown.cjs',
  testTimeout: 15 * 60 * 1000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
};
