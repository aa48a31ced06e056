import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Who may import whom. Services never import each other (scope) and never import the broker (type);
// only tests, the testing lib and the dev stack may reach the embedded broker.
const depConstraints = (extraForTests = []) => [
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib', 'type:contract', ...extraForTests] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contract', ...extraForTests] },
  { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract'] },
  { sourceTag: 'type:broker', onlyDependOnLibsWithTags: ['type:broker'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:contract', 'type:broker', 'type:testing'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contract', 'type:broker', 'type:testing'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:ingest', 'scope:shared'] },
  { sourceTag: 'scope:validation', onlyDependOnLibsWithTags: ['scope:validation', 'scope:shared'] },
  { sourceTag: 'scope:identity', onlyDependOnLibsWithTags: ['scope:identity', 'scope:shared'] },
  { sourceTag: 'scope:profile', onlyDependOnLibsWithTags: ['scope:profile', 'scope:shared'] },
  { sourceTag: 'scope:segments', onlyDependOnLibsWithTags: ['scope:segments', 'scope:shared'] },
  { sourceTag: 'scope:activation', onlyDependOnLibsWithTags: ['scope:activation', 'scope:shared'] },
  { sourceTag: 'scope:connectors', onlyDependOnLibsWithTags: ['scope:connectors', 'scope:shared'] },
];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.nx/**', 'bench/.build/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  // Formatting is Prettier's (npm run format); eslint keeps to correctness and boundaries.
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints() }],
    },
  },
  {
    // Test code: specs, benches and services' test-support folders (harnesses only specs import).
    files: ['**/*.spec.ts', '**/test-support/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints(['type:broker', 'type:testing']) },
      ],
    },
  },
];
