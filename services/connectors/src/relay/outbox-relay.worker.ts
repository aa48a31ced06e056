import { installKafkajsFastPathsUnlessDisabled } from '@tessera/kafka/fast-paths';

// The entry of the relay thread (relay-thread.ts). The fast paths go in before anything loads kafkajs, as runService
// does on the main thread, so the relay itself is loaded afterwards.
installKafkajsFastPathsUnlessDisabled(process.env);
import('./relay-thread-body')
  .then(({ runRelayThread }) => runRelayThread())
  .catch((err: unknown) => {
    // The main thread sees the exit (code 1) and starts another relay thread.
    console.error('the outbox relay thread failed to start', err);
    process.exit(1);
  });
