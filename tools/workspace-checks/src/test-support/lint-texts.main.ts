// Run by module-boundaries.spec.ts through tools/run-ts.js: lints would-be files without writing them, with the
// ESLint API the eslint CLI itself calls for `--stdin --stdin-filename`. One process for all of them, so the config,
// typescript-eslint and Nx's rule load once rather than once per file (each load is seconds on a 2-core machine).
// stdin: [{ filePath, code }]; stdout: each file's lint messages, in the same order.
import { ESLint } from 'eslint';

interface WouldBeFile {
  filePath: string;
  code: string;
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const files = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WouldBeFile[];
  const eslint = new ESLint({ cwd: process.cwd() });
  const messages: ESLint.LintResult['messages'][] = [];
  for (const file of files) {
    const [result] = await eslint.lintText(file.code, { filePath: file.filePath });
    messages.push(result.messages);
  }
  process.stdout.write(JSON.stringify(messages));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
