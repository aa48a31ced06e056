import { customer360IdentityScenarios } from './customer-360-identity.scenarios';
import { customer360ProfilesScenarios } from './customer-360-profiles.scenarios';
import { longTransactionScenarios } from './long-transaction.scenarios';
import { pipelineOperationsScenarios } from './pipeline-operations.scenarios';
import { useScenarioPipeline } from '../test-support/scenario-suite';
import { sdkIngestScenarios } from './sdk-ingest.scenarios';

/**
 * The scenarios whose subject is the Kafka path (the Customer 360 halves, SDK ingest, merges racing across
 * partitions, a long transaction elsewhere in Postgres), on one four-service pipeline: its start is most of a
 * scenario file's time (8–30 s of set-up on this machine, more on Apache Kafka, where `npm run test:apache` runs
 * this file again). Each group keeps its own people, messageIds and sources; the identity rule a group changes
 * blocks a pattern that only its own identifiers match.
 */
const suite = useScenarioPipeline();
describe('Customer 360 scenarios through the HTTP gateway on the whole running pipeline: identity', () =>
  customer360IdentityScenarios(suite));
describe('Customer 360 scenarios through the HTTP gateway on the whole running pipeline: profiles and sources', () =>
  customer360ProfilesScenarios(suite));
describe('SDK ingest scenarios through the HTTP gateway on the whole running pipeline', () => sdkIngestScenarios(suite));
describe('pipeline operations scenarios through the HTTP gateway on the whole running pipeline', () => pipelineOperationsScenarios(suite));
describe('a long transaction elsewhere in Postgres, on the whole running pipeline', () => longTransactionScenarios(suite));
