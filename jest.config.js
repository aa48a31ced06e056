// One jest run over every project: faster than spawning one jest per Nx project on a 2-core machine.
const { compilerOptions } = require('./tsconfig.base.json');
const path = require('node:path');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts'],
  // *.apache.int.spec.ts need Apache Kafka itself (a 3-broker cluster, failover): they run in `npm run test:apache`
  testPathIgnorePatterns:
    process.env.TESSERA_TEST_KAFKA === 'apache' ? ['/node_modules/'] : ['/node_modules/', '\\.apache\\.int\\.spec\\.ts$'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper,
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.js',
  setupFiles: ['<rootDir>/libs/kafka/src/test-support/jest-kafkajs-fast-paths.ts'],
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.js',
  testTimeout: 60000,
  maxWorkers: 2,
};
