import fc from 'fast-check';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { BATCH_ROUTES, SINGLE_EVENT_ROUTES } from '../http/body-limits';
import { basicAuth } from './gateway-harness';

export const WRITE_KEY = 'hostile-fuzz-write-key';
const INGEST_PATHS = [...SINGLE_EVENT_ROUTES, ...BATCH_ROUTES];
const SINGLE_PATHS = [...SINGLE_EVENT_ROUTES];
const TEXT_KEYS = [
  'userId',
  'anonymousId',
  'event',
  'name',
  'messageId',
  'timestamp',
  'sentAt',
  'groupId',
  'previousId',
  'type',
  'category',
  'originalTimestamp',
];
const OBJECT_KEYS = ['properties', 'traits', 'context', 'integrations'];

export interface FuzzCase {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
// A JSON type by default, as most clients send (the gateway ignores it; the first generator varies it).
export const auth = { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' };

/** A call body for `path` built from the raw JSON text of one of its values (so numbers and escapes stay as written). */
function callText(path: string, fieldText: string, where: 'property' | 'top' = 'property'): string {
  const call =
    where === 'top'
      ? `{"userId":"u-fuzz","event":"E","anonymousId":${fieldText}}`
      : `{"userId":"u-fuzz","event":"E","properties":{"v":${fieldText}},"traits":{"v":${fieldText}}}`;
  if (path === '/v1/records') return `{"records":[{"recordId":"r-fuzz","attributes":{"v":${fieldText}}}]}`;
  if (['/v1/batch', '/v1/import', '/v1/b'].includes(path)) return `{"batch":[{"type":"track",${call.slice(1)}]}`;
  return call;
}

const compressors: Record<string, (body: Buffer) => Buffer> = {
  gzip: (body) => gzipSync(body),
  deflate: (body) => deflateSync(body),
  br: (body) => brotliCompressSync(body),
};

/**
 * Hostile calls of 13 labelled kinds (content types and encodings, huge numbers, deep nesting, NULs, bad auth, odd
 * URLs...) against the ingest routes: what http/hostile-input.fuzz.int.spec.ts sends to the gateway process.
 */
export function hostileCases(): fc.Arbitrary<FuzzCase> {
  const path = fc.constantFrom(...INGEST_PATHS);
  const validCall = (p: string) => Buffer.from(callText(p, '"ok"'));
  return fc.oneof(
    // Any Content-Type, any Content-Encoding (declared or not, true or not), any body.
    fc
      .record({
        path,
        contentType: fc.option(
          fc.oneof(
            printable(40),
            fc.constantFrom(
              'application/json',
              'application/x-www-form-urlencoded',
              'text/plain',
              'application/octet-stream',
              'multipart/form-data',
              'application/json; charset=utf-16',
              '*/*',
              ';',
              'a/b; c=',
            ),
          ),
          { nil: undefined },
        ),
        encoding: fc.option(
          fc.oneof(printable(12), fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-gzip', 'gzip, gzip', 'GZIP', ' gzip ')),
          { nil: undefined },
        ),
        actual: fc.constantFrom('none', 'gzip', 'deflate', 'br'),
        valid: fc.boolean(),
        junk: fc.uint8Array({ maxLength: 200 }),
      })
      .map(({ path: p, contentType, encoding, actual, valid, junk }) => {
        const plain = valid ? validCall(p) : Buffer.from(junk);
        const headers: Record<string, string> = { authorization: auth.authorization };
        if (contentType !== undefined) headers['content-type'] = contentType;
        if (encoding !== undefined) headers['content-encoding'] = encoding;
        return {
          label: 'content type and encoding',
          method: 'POST',
          path: p,
          headers,
          body: actual === 'none' ? plain : compressors[actual](plain),
        };
      }),
    // Compressed bodies cut short, or with their bytes flipped.
    fc
      .record({
        path,
        kind: fc.constantFrom('gzip', 'deflate', 'br'),
        cut: fc.double({ min: 0, max: 1, noNaN: true }),
        flip: fc.option(fc.nat(), { nil: undefined }),
      })
      .map(({ path: p, kind, cut, flip }) => {
        const whole = compressors[kind](validCall(p));
        const body = Buffer.from(whole.subarray(0, Math.floor(whole.length * cut)));
        if (flip !== undefined && body.length > 0) body[flip % body.length] ^= 0xff;
        return { label: 'truncated or corrupt compression', method: 'POST', path: p, headers: { ...auth, 'content-encoding': kind }, body };
      }),
    // Numbers no column holds.
    fc
      .record({
        path,
        number: fc.oneof(
          fc.constantFrom(
            '1e400',
            '-1e400',
            '1e-400',
            '9300000000000',
            '92233720368547758070',
            '123456789012345678901234567890.5',
            '-0',
            '0.1e1',
            '1E+308',
            '4.9e-324',
          ),
          fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
          fc.double().filter(Number.isFinite).map(String),
        ),
        quoted: fc.boolean(),
        where: fc.constantFrom('property' as const, 'top' as const),
      })
      .map(({ path: p, number, quoted, where }) => {
        const body = callText(p, quoted ? `"${number}"` : number, where).replace('"properties":{"v"', '"properties":{"revenue"');
        return { label: 'huge numbers', method: 'POST', path: p, headers: auth, body: Buffer.from(body) };
      }),
    // Nesting from harmless to pathological, anywhere in the body.
    fc
      .record({
        path,
        depth: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 70, max: 20_000 })),
        objects: fc.boolean(),
        gzip: fc.boolean(),
      })
      .map(({ path: p, depth, objects, gzip }) => {
        const value = objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
        const body = Buffer.from(callText(p, value));
        return {
          label: 'deep nesting',
          method: 'POST',
          path: p,
          headers: gzip ? { ...auth, 'content-encoding': 'gzip' } : auth,
          body: gzip ? gzipSync(body) : body,
        };
      }),
    // Wrong types where the gateway expects text, objects, arrays.
    fc
      .record({
        path,
        key: fc.constantFrom(...TEXT_KEYS, ...OBJECT_KEYS, 'batch', 'records', 'recordId', 'attributes', 'mapping', 'writeKey', 'context'),
        value: fc.oneof(
          fc.constantFrom(
            '{"toString":1}',
            '{"valueOf":{}}',
            '{"toJSON":1}',
            '[]',
            '[[1]]',
            'null',
            'true',
            '0',
            '""',
            '{"__proto__":{"x":1}}',
          ),
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
        ),
        inItem: fc.boolean(),
      })
      .map(({ path: p, key, value, inItem }) => {
        let body: string;
        if (p === '/v1/records')
          body = inItem
            ? `{"records":[{"recordId":"r","attributes":{},"${key}":${value}}]}`
            : `{"records":[{"recordId":"r","attributes":{}}],"${key}":${value}}`;
        else if (['/v1/batch', '/v1/import', '/v1/b'].includes(p))
          body = inItem
            ? `{"batch":[{"type":"track","userId":"u","event":"E","${key}":${value}}]}`
            : `{"batch":[{"type":"track","userId":"u","event":"E"}],"${key}":${value}}`;
        else body = `{"userId":"u","event":"E","${key}":${value}}`;
        return { label: 'wrong types', method: 'POST', path: p, headers: auth, body: Buffer.from(body) };
      }),
    // NUL: escaped in values and keys, raw in the body, percent-encoded in the URL.
    fc
      .record({ path, spot: fc.constantFrom('value', 'key', 'raw byte', 'path', 'query', 'event name', 'identifier') })
      .map(({ path: p, spot }) => {
        const nul = '\\u0000';
        const bodies: Record<string, string> = {
          value: callText(p, `"a${nul}b"`),
          key: callText(p, `{"k${nul}":1}`),
          'raw byte': callText(p, '"a\u0000b"'),
          'event name': `{"userId":"u","event":"Order${nul}Completed"}`,
          identifier: `{"userId":"u${nul}","anonymousId":"${nul}","event":"E"}`,
          path: callText(p, '1'),
          query: callText(p, '1'),
        };
        const url = spot === 'path' ? `${p}%00` : spot === 'query' ? `${p}?writeKey=%00&x=a%00b` : p;
        return { label: 'NUL', method: 'POST', path: url, headers: auth, body: Buffer.from(bodies[spot]) };
      }),
    // Lone surrogates, escaped and as the raw bytes of an encoded surrogate; and bytes that are not UTF-8.
    fc
      .record({
        path,
        unit: fc.integer({ min: 0xd800, max: 0xdfff }),
        raw: fc.constantFrom('escape', 'cesu bytes', 'invalid utf-8'),
        inKey: fc.boolean(),
      })
      .map(({ path: p, unit, raw, inKey }) => {
        const escape = `\\u${unit.toString(16)}`;
        const text = raw === 'escape' ? escape : 'X';
        const body = Buffer.from(callText(p, inKey ? `{"k${text}":1}` : `"a${text}b"`));
        if (raw !== 'escape') {
          const at = body.indexOf('X');
          const bytes =
            raw === 'cesu bytes' ? Buffer.from([0xed, 0xa0 | ((unit >> 6) & 0x1f), 0x80 | (unit & 0x3f)]) : Buffer.from([0xff, 0xc0, 0x80]);
          return {
            label: 'lone surrogates',
            method: 'POST',
            path: p,
            headers: auth,
            body: Buffer.concat([body.subarray(0, at), bytes, body.subarray(at + 1)]),
          };
        }
        return { label: 'lone surrogates', method: 'POST', path: p, headers: auth, body };
      }),
    // Authorization headers of every sort, and write keys in the body of every type.
    fc
      .record({
        path,
        authorization: fc.option(
          fc.oneof(
            printable(80),
            printable(40).map((s) => `Basic ${s}`),
            printable(40).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
            fc.constantFrom(
              'Basic',
              'Basic ',
              'Basic =',
              'Basic Og==',
              'Bearer x',
              'basic   ',
              `Basic ${Buffer.from(`${WRITE_KEY}:x:y`).toString('base64')}`,
              `Basic ${'A'.repeat(8_000)}`,
            ),
          ),
          { nil: undefined },
        ),
        bodyKey: fc.option(
          fc.oneof(
            fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v) ?? 'null'),
            fc.constant(`"${WRITE_KEY}"`),
            fc.constant('{"toString":1}'),
          ),
          { nil: undefined },
        ),
      })
      .map(({ path: p, authorization, bodyKey }) => {
        const call = callText(p, '1');
        const body = bodyKey === undefined ? call : `{"writeKey":${bodyKey},${call.slice(1)}`;
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
        };
        return { label: 'bad auth', method: 'POST', path: p, headers, body: Buffer.from(body) };
      }),
    // Keys that name Object.prototype members, at every level.
    fc
      .record({
        path,
        key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'),
        level: fc.constantFrom('top', 'property', 'batch', 'context'),
      })
      .map(({ path: p, key, level }) => {
        const body =
          level === 'top'
            ? `{"userId":"u","event":"E","${key}":{"polluted":true}}`
            : level === 'batch'
              ? `{"${key}":{"x":1},"context":{"${key}":{"y":1}},"batch":[{"type":"track","userId":"u","event":"E","context":{"${key}":1}}]}`
              : level === 'context'
                ? `{"userId":"u","event":"E","context":{"${key}":{"ip":"1.1.1.1"}},"integrations":{"${key}":false}}`
                : callText(p, `{"${key}":{"a":1}}`);
        return {
          label: 'prototype keys',
          method: 'POST',
          path: level === 'batch' ? '/v1/batch' : p,
          headers: auth,
          body: Buffer.from(body),
        };
      }),
    // Odd URLs and methods, on ingest, admin and shared routes.
    fc
      .record({
        base: fc.constantFrom('/v1', '/v1/sources', '/v1/sources/x', '/healthz', '/readyz', '/metrics', '/openapi.json', ''),
        tail: fc.oneof(
          printable(30).map((s) => `/${encodeURI(s)}`),
          fc.constantFrom(
            '/%',
            '/%zz',
            '/%E0%A4%A',
            '/%C0%80',
            '/%ED%A0%80',
            '/..%2f..%2fetc',
            '//',
            '/%00',
            `/${'x'.repeat(300)}`,
            '?a=%00',
            '?%=',
            '?a[b]=1&a[c]=2',
          ),
        ),
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        admin: fc.boolean(),
      })
      .map(({ base, tail, method, admin }): FuzzCase => ({
        label: 'odd URLs',
        method,
        path: `${base}${tail}` || '/',
        headers: { 'content-type': 'application/json', ...(admin ? { authorization: 'Bearer test-admin-token' } : {}) },
        body: method === 'GET' ? undefined : Buffer.from('{}'),
      })),
    // Batches of every size and mix.
    fc
      .record({
        size: fc.constantFrom(0, 1, 2, 10, 2_501),
        badAt: fc.option(fc.nat(), { nil: undefined }),
        bad: fc.constantFrom('1', '"x"', 'null', '[]', '{"userId":{"a":1}}', '{"type":[]}'),
      })
      .map(({ size, badAt, bad }) => {
        const items = Array.from({ length: size }, () => '{"type":"track","userId":"u","event":"E"}');
        if (badAt !== undefined && size > 0) items[badAt % size] = bad;
        return {
          label: 'batch oddities',
          method: 'POST',
          path: '/v1/batch',
          headers: auth,
          body: Buffer.from(`{"batch":[${items.join(',')}]}`),
        };
      }),
    // Records of wrong shapes.
    fc
      .record({ records: fc.jsonValue({ maxDepth: 3 }), mapping: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) })
      .map(({ records, mapping }) => ({
        label: 'records shapes',
        method: 'POST',
        path: '/v1/records',
        headers: auth,
        body: Buffer.from(
          JSON.stringify({ records: [{ recordId: 'r', attributes: records }], ...(mapping === undefined ? {} : { mapping }) }),
        ),
      })),
    // Single calls whose shape is not a call.
    fc.record({ path: fc.constantFrom(...SINGLE_PATHS), value: fc.jsonValue({ maxDepth: 3 }) }).map(({ path: p, value }) => ({
      label: 'any JSON',
      method: 'POST',
      path: p,
      headers: auth,
      body: Buffer.from(JSON.stringify(value) ?? 'null'),
    })),
  );
}
