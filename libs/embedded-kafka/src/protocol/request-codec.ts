import { API_CATALOG } from './api-catalog';
import type { ApiDefinition } from './api-catalog';
import { isVersionSupported } from './api-versions-table';
import type { RequestHeader } from './headers/request-header';
import { MalformedRequestError } from './malformed-request.error';
import { ByteReader } from './primitives/byte-reader';
import { ByteWriter } from './primitives/byte-writer';
import { inRange } from './schema/version-range';
import { UnsupportedVersionError } from './unsupported-version.error';
import type { MessageBody } from './message-body';

export interface DecodedRequest {
  header: RequestHeader;
  body: MessageBody;
}

/** Request header v2 (with tagged fields) for flexible request versions, v1 otherwise. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  return definitionFor(apiKey)?.request.isFlexible(apiVersion) ? 2 : 1;
}

/**
 * Decodes one request frame (WITHOUT its 4-byte size prefix). Byte and records fields are views into `frame`.
 * Throws UnsupportedVersionError for an api key or version outside API_VERSIONS, MalformedRequestError for
 * truncated or inconsistent bytes. Trailing bytes after the body are ignored, as Kafka does.
 */
export function decodeRequest(frame: Buffer): DecodedRequest {
  const r = new ByteReader(frame);
  const apiKey = r.readInt16();
  const apiVersion = r.readInt16();
  const correlationId = r.readInt32();
  const definition = definitionFor(apiKey);
  if (!definition || !isVersionSupported(apiKey, apiVersion)) {
    throw new UnsupportedVersionError({ apiKey, apiVersion, correlationId, clientId: tryReadClientId(r) });
  }
  const clientId = r.readString(true);
  const header: RequestHeader = { apiKey, apiVersion, correlationId, clientId };
  if (definition.request.isFlexible(apiVersion)) skipTaggedFields(r);
  const body = definition.request.decode(r, frame, apiVersion) as MessageBody;
  return { header, body };
}

/** Encodes a request as a full frame INCLUDING the 4-byte size prefix (clients and tests use this). */
export function encodeRequest(header: RequestHeader, body: MessageBody): Buffer {
  const definition = definitionFor(header.apiKey);
  if (!definition) throw new UnsupportedVersionError(header);
  const codec = definition.request;
  if (!inRange(codec.validVersions, header.apiVersion)) throw new UnsupportedVersionError(header);
  const w = new ByteWriter(2048);
  const sizeAt = w.reserve(4);
  w.writeInt16(header.apiKey).writeInt16(header.apiVersion).writeInt32(header.correlationId);
  w.writeString(header.clientId);
  if (codec.isFlexible(header.apiVersion)) w.writeUnsignedVarInt(0);
  codec.encode(w, header.apiVersion, body);
  w.patchInt32(sizeAt, w.length - 4);
  return w.toBuffer();
}

function definitionFor(apiKey: number): ApiDefinition | undefined {
  return API_CATALOG.get(apiKey);
}

function tryReadClientId(r: ByteReader): string | null {
  try {
    return r.readString(true);
  } catch (error) {
    if (error instanceof MalformedRequestError) return null;
    throw error;
  }
}

/** Header tagged fields: none are defined in any header version, so they are read for framing and dropped. */
function skipTaggedFields(r: ByteReader): void {
  const count = r.readUnsignedVarInt();
  for (let i = 0; i < count; i++) {
    r.readUnsignedVarInt();
    r.readRaw(r.readUnsignedVarInt(), 'header tagged field');
  }
}
