import { builtinModules } from 'module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'test-output', 'bench/results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/electron and preload may import electron.' }] }]
    },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } }
  },
  // The desktop shell and its preload are the two places Electron belongs.
  { files: ['main/electron/**/*.ts', 'preload/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  // The renderer is browser code on its own tsconfig; it reaches the node only through its API client.
  {
    files: ['renderer/src/**/*.ts', 'test/renderer/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.web.json' } }
  },
  {
    files: ['renderer/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/main/**', 'electron', 'node:*', ...builtinModules], message: 'The renderer talks to the node only through its API client.' }
          ]
        }
      ]
    }
  },
  { files: ['*.js', 'bin/*.js'], ...tseslint.configs.disableTypeChecked }
)
