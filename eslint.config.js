// Flat config: recommended JS + TypeScript rules, React hooks rules, and the architecture's
// one-way dependency rule (engine <- state <- components <- app; charts a props-only leaf) as
// per-folder import bans, so a wrong import fails lint instead of waiting for review.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// A relative import that climbs out of the current folder into a sibling top-level folder.
// Imports are not resolved, so `../state` inside a nested folder of the same name would also match.
const sibling = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const D3 = '^d3(-[a-z-]+)?(/.*)?$';

// Outside src/engine, the engine is imported through its one public entry (src/engine/index.ts).
const ENGINE_ENTRY = {
  regex: '^(\\.\\./)+engine/',
  message: 'Import the engine through its public entry (../engine, src/engine/index.ts), not its files.',
};

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', '.tmp/', 'coverage/', 'test-results/'] },

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    rules: {
      // `_`-prefixed names mark parameters kept for a signature (cells share one step signature).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // Browser code.
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'tests/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },

  // Node code: CLI entry points, config files, scripts, tests (e2e tests also run code in the page).
  {
    files: ['src/cli/**', 'scripts/**', 'tests/**', '*.{js,mjs,cjs,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['tests/e2e/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },

  // engine: pure numerics, imports nothing outside itself.
  {
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(react|react-dom|zustand)(/.*)?$',
              message: 'src/engine is pure numerics: no React or zustand (see STYLE.md).',
            },
            { regex: D3, message: 'src/engine is pure numerics: no D3.' },
            {
              regex: '^(node:|fs$|path$|os$|child_process$)',
              message: 'src/engine runs in the browser: no Node built-ins (put I/O in src/cli).',
            },
            {
              regex: sibling('state', 'components', 'charts', 'app', 'cli'),
              message: 'src/engine imports nothing outside src/engine.',
            },
            { regex: '^/?src/', message: 'Use relative imports inside src/engine.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use createRng(seed) from src/engine/random.ts: runs must be reproducible.',
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'The engine never does I/O.' },
        { name: 'window', message: 'The engine has no DOM.' },
        { name: 'document', message: 'The engine has no DOM.' },
        { name: 'localStorage', message: 'The engine has no storage.' },
      ],
      'no-console': 'error',
    },
  },

  // state: store core over the engine; may use React for its thin binding, never the DOM or D3.
  {
    files: ['src/state/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^react-dom(/.*)?$', message: 'src/state does not render.' },
            { regex: D3, message: 'src/state does not draw: D3 belongs in src/charts.' },
            {
              regex: sibling('components', 'app', 'charts', 'cli'),
              message: 'src/state may import only src/engine.',
            },
            ENGINE_ENTRY,
          ],
        },
      ],
    },
  },

  // charts: props-only leaf (D3 computes, React renders), never reads the store.
  {
    files: ['src/charts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^zustand(/.*)?$', message: 'src/charts take data as props, not from a store.' },
            {
              regex: sibling('state', 'components', 'app', 'cli'),
              message: 'src/charts is a props-only leaf: it may import only src/engine types.',
            },
            ENGINE_ENTRY,
          ],
        },
      ],
    },
  },

  // components: views over the store; composition roots live in src/app.
  {
    files: ['src/components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: sibling('app', 'cli'), message: 'src/components may not import src/app or src/cli.' },
            ENGINE_ENTRY,
          ],
        },
      ],
    },
  },

  // Every write to a store is a named action of src/state: nothing else calls setState on it.
  {
    files: ['src/components/**', 'src/app/**', 'src/charts/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'setState', message: 'Write the store through a named action of src/state (issue 12), not setState.' },
      ],
    },
  },

  // app: browser composition roots never pull in Node entry points.
  {
    files: ['src/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: sibling('cli'), message: 'src/app runs in the browser: no src/cli.' }, ENGINE_ENTRY] },
      ],
    },
  },

  // cli: Node entry points over the engine's public entry.
  {
    files: ['src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ENGINE_ENTRY] }] },
  },
);
