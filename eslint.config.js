// @ts-check
/**
 * Lint for the import-cost rule of STYLE.md. A provider package root (`@cdktf/provider-aws`,
 * `@cdktf/provider-kubernetes`) loads every resource class of the provider: thousands of modules,
 * 20+ s and 2 GB per process. A deep path (`@cdktf/provider-aws/lib/iam-role`) loads one class.
 * Only this rule is on for now: the code base predates the linter, and a wider rule set is a
 * separate decision (typescript-eslint's recommended config flags ~30 existing lines, mostly `any`
 * in tests).
 */
const tseslint = require('typescript-eslint');

const PROVIDER_ROOTS = ['@cdktf/provider-aws', '@cdktf/provider-kubernetes'];
const why = 'loads the whole provider (thousands of modules, 20+ s, 2 GB). Import the class by its deep path, e.g. @cdktf/provider-aws/lib/iam-role.';
const rootPattern = `^(${PROVIDER_ROOTS.map((r) => r.replace('/', '\\/')).join('|')})$`;

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdktf.out/', '.bench/', '.e2e-scratch/', 'coverage/', '**/*.d.ts'] },
  {
    files: ['**/*.ts', '**/*.js'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      // `paths` match the exact specifier, so '@cdktf/provider-aws/lib/...' stays allowed.
      'no-restricted-imports': ['error', { paths: PROVIDER_ROOTS.map((name) => ({ name, message: why })) }],
      // The same for require('...') and import('...'), which no-restricted-imports does not see.
      'no-restricted-syntax': [
        'error',
        { selector: `CallExpression[callee.name='require'] > Literal[value=/${rootPattern}/]`, message: `require() of a provider root ${why}` },
        { selector: `ImportExpression > Literal[value=/${rootPattern}/]`, message: `import() of a provider root ${why}` },
      ],
    },
  },
);
