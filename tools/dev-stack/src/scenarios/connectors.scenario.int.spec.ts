import { connectorsBillingScenarios } from './connectors-billing.scenarios';
import { connectorsFilesHttpSingerScenarios } from './connectors-files-http-singer.scenarios';
import { useScenarioPipeline } from '../test-support/scenario-suite';

/**
 * The connectors service on the whole running pipeline, one pipeline for both groups (its start is most of a
 * scenario file's time). Each group has its own connections, source data and people.
 */
const suite = useScenarioPipeline({ withServices: ['connectors'] });
describe('connectors: seed 002 billing table synced from Postgres, on the whole running pipeline', () => connectorsBillingScenarios(suite));
describe('connectors: CSV files, a paginated HTTP API and a Singer tap, on the whole running pipeline', () =>
  connectorsFilesHttpSingerScenarios(suite));
