// The chaincode is its own package; it lints with the same rules as the workstation.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
      // Chaincode must be deterministic on every peer: the wall clock and randomness are banned.
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Use the transaction timestamp (ledger/tx-time.ts).',
        },
        { object: 'Math', property: 'random', message: 'Chaincode must be deterministic.' },
        // Writes and the event go through ledger/change.ts, after everything is validated.
        {
          property: 'putState',
          message: 'Build a change and call applyChange (ledger/change.ts).',
        },
        { property: 'deleteState', message: 'The ledger is append-only here.' },
        {
          property: 'setEvent',
          message: 'Build a change and call applyChange (ledger/change.ts).',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use the transaction timestamp (ledger/tx-time.ts).',
        },
      ],
    },
  },
  {
    files: ['src/ledger/change.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Use the transaction timestamp (ledger/tx-time.ts).',
        },
        { object: 'Math', property: 'random', message: 'Chaincode must be deterministic.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-syntax': 'off' },
  },
);
