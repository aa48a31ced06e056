import { API_CATALOG } from './api-catalog';
import type { ApiDefinition } from './api-catalog';
import { ApiKey } from './api-keys';
import type { RequestHeader } from './headers/request-header';
import type { MessageBody } from './message-body';
import { ByteReader } from './primitives/byte-reader';
import { ByteWriter } from './primitives/byte-writer';
import { inRange } from './schema/version-range';
import { UnsupportedVersionError } from './unsupported-version.error';

export interface DecodedResponse {
  header: { correlationId: number };
  body: MessageBody;
}

/** Response header v1 (tagged fields) for flexible versions, v0 otherwise; ApiVersions always v0 (KIP-511). */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return API_CATALOG.get(apiKey)?.response.isFlexible(apiVersion) ? 1 : 0;
}

/**
 * Encodes a response for the request `header` as a full frame INCLUDING the 4-byte size prefix. Fields outside
 * the version are ignored and missing ones take the spec default, so handlers need not branch on version.
 */
export function encodeResponse(header: RequestHeader, body: MessageBody): Buffer {
  return writeResponse(header, body).toBuffer();
}

/**
 * The same frame as encodeResponse, as consecutive pieces for socket.writev/cork: record sets of 8 KiB or more are
 * the handler's own buffers, not copies, so a Fetch response never copies its records. The buffers passed in the
 * body must stay unchanged until written.
 */
export function encodeResponseChunks(header: RequestHeader, body: MessageBody): Buffer[] {
  return writeResponse(header, body).toChunks();
}

function writeResponse(header: RequestHeader, body: MessageBody): ByteWriter {
  const definition = definitionOrThrow(header);
  const w = new ByteWriter(2048);
  const sizeAt = w.reserve(4);
  w.writeInt32(header.correlationId);
  if (responseHeaderVersion(header.apiKey, header.apiVersion) === 1) w.writeUnsignedVarInt(0);
  definition.response.encode(w, header.apiVersion, body);
  w.patchInt32(sizeAt, w.length - 4);
  return w;
}

/** Decodes a response frame (WITHOUT its 4-byte size prefix) for the given api key and version. */
export function decodeResponse(apiKey: number, apiVersion: number, frame: Buffer): DecodedResponse {
  const definition = definitionOrThrow({ apiKey, apiVersion, correlationId: -1, clientId: null });
  const r = new ByteReader(frame);
  const correlationId = r.readInt32();
  if (responseHeaderVersion(apiKey, apiVersion) === 1) {
    const count = r.readUnsignedVarInt();
    for (let i = 0; i < count; i++) {
      r.readUnsignedVarInt();
      r.readRaw(r.readUnsignedVarInt(), 'header tagged field');
    }
  }
  const body = definition.response.decode(r, frame, apiVersion) as MessageBody;
  return { header: { correlationId }, body };
}

function definitionOrThrow(header: RequestHeader): ApiDefinition {
  const definition = API_CATALOG.get(header.apiKey);
  if (!definition || !inRange(definition.response.validVersions, header.apiVersion)) {
    throw new UnsupportedVersionError(header);
  }
  return definition;
}
