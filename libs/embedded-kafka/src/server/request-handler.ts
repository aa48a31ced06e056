import type { MessageBody, RequestHeader } from '../protocol';
import type { BrokerContext } from './broker-context';

export interface HandlerRequest {
  header: RequestHeader;
  body: MessageBody;
  /** "/<ip>" as Kafka reports client hosts in DescribeGroups. */
  clientHost: string;
}

/** A handler's way to say "answer by closing the connection" (Kafka does so for failed acks=0 produces). */
export class CloseConnection {
  constructor(readonly reason: string) {}
}

/** Holds one API's semantics. Returns the response body, or null when no response is due (Produce acks=0). */
export type RequestHandler = (ctx: BrokerContext, request: HandlerRequest) => HandlerResult | Promise<HandlerResult>;

export type HandlerResult = MessageBody | null | CloseConnection | DeferredResponse;

/**
 * A response that is decided now but may only be sent later (a produce waiting for its group-commit fsync). The
 * connection goes on reading and handling the next requests meanwhile, and still sends responses in request order.
 */
export class DeferredResponse {
  constructor(readonly body: Promise<MessageBody | null | CloseConnection>) {}
}
