// A stand-in for a service's main.ts: loads its configuration first thing, as services do.
import { loadServiceConfigOrExit } from '../service-config';

const config = loadServiceConfigOrExit('ingest-gateway');
process.stdout.write(`listening on ${config.port}\n`);
