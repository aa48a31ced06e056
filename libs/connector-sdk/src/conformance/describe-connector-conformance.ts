import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Connector } from '../connector';
import { readCommitted } from './read-messages';

export interface ConformanceFixture<C> {
  /** The stream under test. */
  stream: string;
  /** Settings that reach the source (called inside the tests, so a server started in `beforeAll` can be used). */
  goodConfig(): C;
  /** Settings the schema accepts but the source refuses or cannot be reached with (a wrong token, a closed port). */
  unreachableConfig(): C;
  /** A config the schema refuses, and a JSON Pointer its problems must name. */
  invalidConfig: { config: unknown; problemAt: string };
  /** The row keys the source holds now. */
  rowKeys(): Promise<string[]>;
  /** Inserts or updates rows at the source; returns the row keys an incremental read must now return. */
  changeRows(): Promise<string[]>;
}

/**
 * The behaviour every connector owes the connectors service, as jest tests. Call it from a connector's spec with
 * a fixture whose source holds enough rows for at least two checkpoints in a full read.
 */
export function describeConnectorConformance<C>(connector: Connector<C>, fixture: ConformanceFixture<C>): void {
  describe(`${connector.name} connector conformance`, () => {
    it('check passes on a good config', async () => {
      await expect(connector.check(fixture.goodConfig())).resolves.toEqual({ ok: true });
    });

    it('check fails with a message on a config that cannot reach the source', async () => {
      const result = await connector.check(fixture.unreachableConfig());
      expect(result.ok).toBe(false);
      expect(result.ok === false && result.message.length).toBeGreaterThan(0);
    });

    it('validateConfig and check name the problems of an invalid config by JSON Pointer', async () => {
      const { config, problemAt } = fixture.invalidConfig;
      expect(connector.validateConfig(config).map((p) => p.path)).toContain(problemAt);
      const result = await connector.check(config as C);
      expect(result.ok === false && result.problems?.map((p) => p.path)).toContain(problemAt);
    });

    it('discover lists the stream with typed fields, a primary key and cursor candidates among its fields', async () => {
      const streams = await connector.discover(fixture.goodConfig());
      const stream = streams.find((s) => s.name === fixture.stream);
      expect(stream).toBeDefined();
      const fields = Object.keys((stream!.schema.properties ?? {}) as object);
      expect(fields.length).toBeGreaterThan(0);
      expect(stream!.primaryKey.every((f) => fields.includes(f))).toBe(true);
      expect(stream!.cursorCandidates.every((f) => fields.includes(f))).toBe(true);
    });

    it('a full read returns every row once, each matching the discovered schema, all covered by a checkpoint', async () => {
      const config = fixture.goodConfig();
      const stream = (await connector.discover(config)).find((s) => s.name === fixture.stream)!;
      const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(stream.schema);
      const full = await readCommitted(connector, config, fixture.stream, null);

      expect(full.uncheckpointed).toEqual([]);
      expect(full.records.map((r) => r.rowKey).sort()).toEqual([...(await fixture.rowKeys())].sort());
      expect(full.records.every((r) => r.stream === fixture.stream)).toBe(true);
      const invalid = full.records.filter((r) => !validate(r.data));
      expect(invalid).toEqual([]);
    });

    it('an incremental read from the saved cursor returns only the rows changed since', async () => {
      const config = fixture.goodConfig();
      const full = await readCommitted(connector, config, fixture.stream, null);
      const changed = await fixture.changeRows();
      expect(changed.length).toBeGreaterThan(0);

      const incremental = await readCommitted(connector, config, fixture.stream, full.cursor);
      expect(incremental.uncheckpointed).toEqual([]);
      expect(incremental.records.map((r) => r.rowKey).sort()).toEqual([...changed].sort());

      const again = await readCommitted(connector, config, fixture.stream, incremental.cursor);
      expect(again.records).toEqual([]);
    });

    it('a crash right after any checkpoint resumes from it without losing or repeating a row', async () => {
      const config = fixture.goodConfig();
      const expected = [...(await fixture.rowKeys())].sort();
      const full = await readCommitted(connector, config, fixture.stream, null);
      expect(full.checkpoints).toBeGreaterThanOrEqual(2);

      for (let crashAt = 1; crashAt < full.checkpoints; crashAt += 1) {
        const beforeCrash = await readCommitted(connector, config, fixture.stream, null, { stopAfterCheckpoint: crashAt });
        const resumed = await readCommitted(connector, config, fixture.stream, beforeCrash.cursor);
        const before = beforeCrash.records.map((r) => r.rowKey);
        const after = resumed.records.map((r) => r.rowKey);

        expect({ crashAt, repeated: after.filter((k) => before.includes(k)) }).toEqual({ crashAt, repeated: [] });
        expect({ crashAt, union: [...before, ...after].sort() }).toEqual({ crashAt, union: expected });
      }
    });
  });
}
