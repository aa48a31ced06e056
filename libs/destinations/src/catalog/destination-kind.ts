import type { ConfigProblem, DestinationAdapter, DestinationKind, DestinationSpec } from '../destination';
import type { FetchFn } from '../http/http-call';

/** What adapters take from their host; tests swap the clock, the dispatcher may swap fetch (a proxy agent, say). */
export interface DestinationDeps {
  fetch: FetchFn;
  now: () => number;
}

/** A spec whose config and secrets passed the kind's schemas. */
export interface ValidSpec<C, S> extends DestinationSpec {
  config: C & Record<string, unknown>;
  secrets: S & Record<string, string>;
}

/** One kind of destination: its two JSON schemas (one for config, one for the write-only secrets) and its factory. */
export interface DestinationKindDefinition<C = unknown, S = unknown> {
  readonly kind: DestinationKind;
  readonly configSchema: object;
  readonly secretsSchema: object;
  /** Rules JSON Schema cannot say (a header that would forge the signature, a phone country that does not exist). */
  extraProblems?(config: C, secrets: S): ConfigProblem[];
  create(spec: ValidSpec<C, S>, deps: DestinationDeps): DestinationAdapter;
}
