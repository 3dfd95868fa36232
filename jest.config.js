/** Unit tests: synthesized JSON and handler behaviour. @swc/jest transpiles without type-checking
 * (npm test runs tsc --noEmit first), which keeps a cold run fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/'],
};
