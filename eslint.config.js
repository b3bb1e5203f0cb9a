// @ts-check
import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import ts from 'typescript-eslint'
import svelteConfig from './svelte.config.js'

/** Packages that only one module of src/lib may import (DESIGN.md, "Architecture"). */
const owned = [
  { name: 'trystero', owner: 'src/lib/signalling' },
  { name: 'idb-keyval', owner: 'src/lib/storage' },
  { name: 'workbox-window', owner: 'src/lib/pwa' },
]

/** @param {string} except */
const ownedElsewhere = (except) =>
  owned
    .filter((o) => o.owner !== except)
    .map((o) => ({ name: o.name, message: `Only ${o.owner} may import ${o.name}.` }))

export default ts.config(
  {
    ignores: [
      'dist',
      'dist-e2e',
      'dev-dist',
      'node_modules',
      'test-results',
      'playwright-report',
      '.bench',
      // Five lines of classic script run before the app (index.html); no tsconfig takes it.
      'public/theme.js',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        // App code, Node scripts and tests, and the service worker each have their own tsconfig.
        project: ['./tsconfig.json', './tsconfig.node.json', './tsconfig.sw.json'],
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig },
    },
  },
  {
    // typescript-eslint cannot see the prop types of child components inside Svelte markup and
    // reports every callback argument as `any`; svelte-check types the markup instead.
    files: ['**/*.svelte'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['eslint.config.js', 'svelte.config.js'],
    ...ts.configs.disableTypeChecked,
  },
  // Dependencies point one way: ui -> lib; lib never imports Svelte or the UI.
  ...owned.map((o) => ({
    files: [`${o.owner}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ownedElsewhere(o.owner),
          patterns: [
            {
              group: ['svelte', 'svelte/*', '**/ui/**', '*.svelte'],
              message: 'src/lib never imports Svelte or the UI.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['src/lib/**/*.ts'],
    ignores: owned.map((o) => `${o.owner}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ownedElsewhere(''),
          patterns: [
            {
              group: ['svelte', 'svelte/*', '**/ui/**', '*.svelte'],
              message: 'src/lib never imports Svelte or the UI.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/ui/**/*.svelte', 'src/main.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ownedElsewhere('') }] },
  },
)
