/**
 * The benchmark's webhook receiver in a process of its own, as a real destination would be: the bench process
 * (gateway sender, stage-clock consumers) can lag, and a receiver on its event loop would answer late and stamp the
 * receipt late. Each request is stamped (Date.now(), the same machine clock) when it arrives here, and the
 * requests go to the parent over the IPC channel in batches. Started by ForkedReceiver.
 */
import { ScriptedReceiver } from '../../services/activation-dispatcher/src/test-support/scripted-receiver';

const REPORT_EVERY_MS = 20;

async function main(): Promise<void> {
  const receiver = await ScriptedReceiver.start();
  let reported = 0;
  const report = () => {
    const all = receiver.requests();
    if (all.length > reported) process.send!({ requests: all.slice(reported) });
    reported = all.length;
  };
  const timer = setInterval(report, REPORT_EVERY_MS);
  // the parent gone (or closing) ends the receiver
  process.once('disconnect', () => {
    clearInterval(timer);
    void receiver.close().then(() => process.exit(0));
  });
  process.send!({ url: receiver.url('') });
}

void main();
