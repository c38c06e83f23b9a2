/** Jest with ts-jest: the plugin's TypeScript as written, type-checked against @twilio/flex-ui's own typings. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'CommonJS', moduleResolution: 'Node', isolatedModules: true } }] },
};
