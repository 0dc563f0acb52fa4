// Lint also guards the runtime boundaries: src/shared runs everywhere (no Node, no DOM,
// no Electron), the renderer never reaches Node or Electron, and the handler table and
// services under src/main import nothing from electron (only the entry wires Electron).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'worker_threads',
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'artifacts/**', 'node_modules/**', 'chaincode/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nodeBuiltins,
            'electron',
            'react',
            'react-dom',
            '**/main/**',
            '**/renderer/**',
            '**/preload/**',
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { patterns: [...nodeBuiltins, 'electron', '**/main/**', '**/preload/**'] },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only src/main/index.ts and src/main/electron/ wire Electron; keep logic Node-runnable.',
            },
          ],
          patterns: ['**/renderer/**'],
        },
      ],
    },
  },
  {
    // The record gateway is a hospital server: Node only, never Electron or the UI; it may
    // share the workstation's ledger error parsing and object-key rules from src/main.
    files: ['src/gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The record gateway is a server, not the app.' }],
          patterns: ['**/renderer/**', '**/preload/**', '**/main/app/**', '**/main/ipc/**'],
        },
      ],
    },
  },
  {
    // Electron's checklist: never shell.openExternal (or any shell call) with what the UI
    // hands over; the workstation opens no links outside itself.
    files: ['src/main/index.ts', 'src/main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['shell'],
              message: 'The workstation opens nothing outside itself (Electron checklist 15).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...nodeBuiltins, '**/main/**', '**/renderer/**'] },
      ],
    },
  },
);
