import type { RequestHeader } from './headers/request-header';

/**
 * The api key is unknown or its version is outside API_VERSIONS. Carries the header fields that could be read so
 * the server can still answer with the right correlation id (ApiVersions gets a v0 response with error 35, KIP-511).
 */
export class UnsupportedVersionError extends Error {
  override readonly name = 'UnsupportedVersionError';

  constructor(readonly header: RequestHeader) {
    super(`unsupported api key ${header.apiKey} version ${header.apiVersion}`);
  }
}
