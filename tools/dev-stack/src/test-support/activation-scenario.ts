import type { Json } from './scenario-client';
import { DestinationFake } from './destination-fake';
import { evaluatorApi, type EvaluatorCall } from './evaluator-api';
import { useScenarioPipeline, type ScenarioSuite } from './scenario-suite';

export interface ActivationScenario extends ScenarioSuite {
  /** The segment evaluator's and the activation dispatcher's admin APIs. */
  evaluator: EvaluatorCall;
  dispatcher: EvaluatorCall;
  /** The local destination the dispatcher delivers to (listening from beforeAll). */
  fake: DestinationFake;
  /** A POST that must answer 200 or 201; answers its body. */
  created(call: EvaluatorCall, path: string, body: Json): Promise<Json>;
}

/** The pipeline with the segment evaluator and the activation dispatcher, and a local destination fake, for one test file. */
export function useActivationScenario(): ActivationScenario {
  const suite = useScenarioPipeline({ withServices: ['segment-evaluator', 'activation-dispatcher'] });
  const fake = new DestinationFake();
  beforeAll(() => fake.listen());
  afterAll(() => fake.close());
  const created = async (call: EvaluatorCall, path: string, body: Json): Promise<Json> => {
    const answer = await call('POST', path, body);
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    ...suite,
    evaluator: evaluatorApi(() => suite.url('segment-evaluator')).evaluator,
    dispatcher: evaluatorApi(() => suite.url('activation-dispatcher')).evaluator,
    fake,
    created,
  };
}
