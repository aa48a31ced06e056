const net = require('node:net');

// Below Linux's ephemeral range (32768-60999): a port the OS handed out for "port 0" is also what it hands to the
// next outgoing connection's local end, so a service that binds it seconds later (a restart in a kill -9 test)
// could find it taken by a Postgres or Kafka client socket. Random picks here only race with another test's pick.
const LOW = 20000;
const HIGH = 32767;
const handedOut = new Set();

function tryListen(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

/** A TCP port that is free right now on every interface, never handed out twice by this process. */
async function freePort() {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free TCP port found in ${LOW}-${HIGH}`);
}

module.exports = { freePort };
