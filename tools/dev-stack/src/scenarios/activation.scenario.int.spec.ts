import { useActivationScenario } from '../test-support/activation-scenario';
import { activationAudiencesScenarios } from './activation-audiences.scenarios';
import { activationDeliveryScenarios } from './activation-delivery.scenarios';

/** Time-driven changes are looked for every 100 ms, so the churn case's date passing shows within a fraction of a second. */
process.env.SEGMENTS_TIMER_POLL_MS = '100';

/**
 * The activation dispatcher on the whole running pipeline, one pipeline and one destination fake for both groups
 * (the pipeline's start is most of a scenario file's time). Each group has its own segments (by `traits.scenario`),
 * destinations, fake paths and people.
 */
const activation = useActivationScenario();
describe('activation audiences through the HTTP gateway: mirror and the Meta shape', () => activationAudiencesScenarios(activation));
describe('activation delivery through the HTTP gateway to real local destinations', () => activationDeliveryScenarios(activation));
