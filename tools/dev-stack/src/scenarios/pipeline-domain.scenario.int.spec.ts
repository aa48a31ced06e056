import { blockedIdentifierScenarios } from './blocked-identifier.scenarios';
import { identityEdgeCasesScenarios } from './identity-edge-cases.scenarios';
import { itemIdentityScenarios } from './item-identity.scenarios';
import { ordersAndCurrencyScenarios } from './orders-and-currency.scenarios';
import { recordMappingScenarios } from './record-mapping.scenarios';
import { useScenarioPipeline } from '../test-support/scenario-suite';

/**
 * The domain scenarios on the four-service pipeline (gateway, validation, resolver, merger), one pipeline for all:
 * its start is most of a scenario file's time (8–30 s of set-up on this machine), and these groups need nothing
 * but that pipeline. Each group keeps its own people, messageIds and sources; the identity rule a group changes
 * blocks a pattern that only its own identifiers match, and the currency rates the orders group sets are read by
 * no other group's assertions. The Kafka-path scenarios are in
 * pipeline-kafka-path.scenario.int.spec.ts, which `npm run test:apache` runs again on Apache Kafka.
 */
const suite = useScenarioPipeline();
describe('repaired input through the HTTP gateway on the whole running pipeline', () => blockedIdentifierScenarios(suite));
describe('identity edge cases through the HTTP gateway on the whole running pipeline', () => identityEdgeCasesScenarios(suite));
describe('item identity by source through the HTTP gateway on the whole running pipeline', () => itemIdentityScenarios(suite));
describe('orders, currencies and test traffic through the HTTP gateway on the whole running pipeline', () =>
  ordersAndCurrencyScenarios(suite));
describe('record mapping: custom attribute names, casts and connector origin, on the whole running pipeline', () =>
  recordMappingScenarios(suite));
