import { runCli } from './connectors-cli';

/** `npm run connectors -- <command>`: see USAGE in connectors-cli.ts. */
void runCli(process.argv.slice(2), {
  baseUrl: process.env.CONNECTORS_URL ?? 'http://127.0.0.1:8086',
  token: process.env.CONNECTORS_ADMIN_TOKEN ?? process.env.TESSERA_ADMIN_TOKEN ?? '',
  write: (text) => process.stdout.write(text),
  isTty: process.stdout.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
