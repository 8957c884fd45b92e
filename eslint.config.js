// One lint config for the whole tree. The `layers` block is the architecture rule: dependencies point one
// way (antom <- api <- sandbox/server <- cashier types only), checked on every `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/** Imports a layer may not make, as `no-restricted-imports` patterns. */
const forbid = (groups, message) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

const layers = [
  {
    // The Antom client is publishable on its own: Node built-ins only, nothing of ours.
    files: ['packages/antom/**/*.ts'],
    rules: forbid(
      ['@paydesk/*', '**/apps/**', '**/packages/api/**', 'fastify*', 'kysely*', 'typebox*'],
      'packages/antom depends on nothing of ours and no framework.',
    ),
  },
  {
    // Its tests may wait with the test kit's dependency-free waitFor and net helpers, nothing else of ours.
    files: ['packages/antom/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@paydesk/(?!testkit/(wait-for|net)$)',
              message: 'packages/antom depends on nothing of ours and no framework.',
            },
            {
              group: ['**/apps/**', '**/packages/api/**', 'fastify*', 'kysely*', 'typebox*'],
              message: 'packages/antom depends on nothing of ours and no framework.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/api/**/*.ts'],
    rules: forbid(
      ['@paydesk/*', '**/apps/**', '**/packages/antom/**'],
      'packages/api is the contract: schemas only.',
    ),
  },
  {
    files: ['apps/sandbox/**/*.ts'],
    rules: forbid(
      ['@paydesk/api', '@paydesk/server', '@paydesk/cashier', '**/apps/server/**', '**/apps/cashier/**'],
      'The sandbox is Antom: it knows the Antom wire types and nothing of Paydesk.',
    ),
  },
  {
    // The checkout server's own code never reaches into the sandbox; only its tests (and the launcher) do.
    files: ['apps/server/src/**/*.ts'],
    rules: forbid(
      ['@paydesk/sandbox', '@paydesk/cashier', '**/apps/sandbox/**', '**/apps/cashier/src/**'],
      'The server talks to any Antom through the PaymentGateway port, never to the sandbox directly.',
    ),
  },
  {
    // The UI never talks to Antom and holds no gateway secret; it may use the contract's types only.
    files: ['apps/cashier/src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@paydesk/api', message: 'The UI imports contract types only.', allowTypeImports: true },
          ],
          patterns: [
            {
              group: [
                '@paydesk/antom',
                '@paydesk/server',
                '@paydesk/sandbox',
                '**/apps/server/**',
                '**/apps/sandbox/**',
                '**/packages/antom/**',
                'typebox*',
              ],
              message: 'The UI never talks to Antom or the server internals.',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['apps/cashier/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The hooks rules read names, not import sources, so they hold for Preact's `preact/hooks` as well
    // (D12.5: a hook read `props.finish` with empty dependencies and nothing caught it).
    files: ['apps/cashier/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs['recommended-latest'].rules },
  },
  ...layers,
);
