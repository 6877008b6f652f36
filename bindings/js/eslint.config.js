// ESLint (flat config) for every JS file in the repository. `make lint` (and
// `npm run lint`) run it from the repository root with `-c bindings/js/eslint.config.js`,
// so the base path, and the patterns below, are relative to the root: ESLint
// ignores files outside the base path, and examples/js and bench are outside bindings/js.
import js from '@eslint/js';
import globals from 'globals';

export default [
  // Generated files are not linted; node_modules and build output never are.
  { ignores: ['**/*.gen.js', '**/node_modules/', 'build/'] },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `const { entry, ...rest } = obj` is how the tests drop a key: the
      // named sibling of a rest element is there to be left out, not used.
      'no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // The package runs in Node and in the browser; so does the test that
    // drives Chromium (functions it hands to the page); the browser example
    // runs only there. Everything else is Node only.
    files: ['bindings/js/src/**', 'bindings/js/test/browser.test.js', 'examples/js/browser/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
];
