import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { redactSecrets, type CheckResult, type StreamDescriptor } from '@tessera/connector-sdk';
import type { Connector } from '@tessera/connector-sdk';
import { ConnectorCatalog } from '../catalog/connector-catalog';
import { CONNECTOR_CATALOG } from '../catalog/connector-catalog.token';
import { invalidBody, OffsetClock, requireBodyKeyMatchesPath } from '@tessera/service-kit';
import { nextRunAt } from '../schedules/schedule';
import { parseConnectionBody, type ConnectionBody } from './connection-body';
import { ConnectionRepository, type Connection } from './connection-repository';
import { restoreSecrets } from './connection-secrets';

/** What the API shows of a connection: secrets as `***`. */
export type ConnectionView = Connection;

/**
 * Connections: the body checked (shape, connector, its config at JSON Pointers), secrets kept when sent back as `***`,
 * stream names checked against discover() when the source can be reached (else accepted as given), and the next
 * scheduled run computed from now.
 */
@Injectable()
export class ConnectionsService {
  constructor(
    private readonly connections: ConnectionRepository,
    @Inject(CONNECTOR_CATALOG) private readonly catalog: ConnectorCatalog,
    private readonly clock: OffsetClock,
  ) {}

  connectorOf(connection: Pick<Connection, 'connector' | 'id'>): Connector<Record<string, unknown>> {
    const connector = this.catalog.find(connection.connector);
    if (!connector)
      throw new BadRequestException(
        `connection ${connection.id} uses the connector ${connection.connector}, which this service does not have`,
      );
    return connector;
  }

  view(connection: Connection): ConnectionView {
    const connector = this.catalog.find(connection.connector);
    return { ...connection, config: connector ? redactSecrets(connector.configSchema, connection.config) : {} };
  }

  async create(input: unknown, generatedId: string): Promise<ConnectionView> {
    const body = parseConnectionBody(input);
    const id = body.id ?? generatedId;
    const config = await this.checkedConfig(body, null);
    return this.view(await this.connections.insert(this.toWrite(id, body, config)));
  }

  async update(id: string, input: unknown): Promise<ConnectionView> {
    const body = parseConnectionBody(input);
    requireBodyKeyMatchesPath(body.id, id);
    const stored = await this.connections.getOrThrow(id);
    const config = await this.checkedConfig(body, stored.connector === body.connector ? stored.config : null);
    return this.view(await this.connections.update(this.toWrite(id, body, config)));
  }

  async check(id: string): Promise<CheckResult> {
    const connection = await this.connections.getOrThrow(id);
    return this.connectorOf(connection).check(connection.config);
  }

  async discover(id: string): Promise<StreamDescriptor[]> {
    const connection = await this.connections.getOrThrow(id);
    const connector = this.connectorOf(connection);
    const checked = await connector.check(connection.config);
    if (!checked.ok) throw new BadRequestException(`the source cannot be reached: ${checked.message}`);
    return connector.discover(connection.config);
  }

  private toWrite(id: string, body: ConnectionBody, config: Record<string, unknown>) {
    return {
      id,
      name: body.name ?? id,
      connector: body.connector,
      config,
      sourceId: body.sourceId ?? id,
      streams: body.streams,
      schedule: body.schedule,
      timezone: body.timezone,
      unsetMissingOnFullRefresh: body.unsetMissingOnFullRefresh,
      enabled: body.enabled,
      nextRunAtMs: body.schedule && body.enabled ? nextRunAt(body.schedule, body.timezone, this.clock.now()) : null,
    };
  }

  /** The config to store (secrets restored), valid for the connector; stream names checked when the source answers. */
  private async checkedConfig(body: ConnectionBody, stored: Record<string, unknown> | null): Promise<Record<string, unknown>> {
    const connector = this.catalog.find(body.connector);
    if (!connector)
      throw invalidBody([{ path: '/connector', message: `is not a known connector (${this.catalog.names().join(', ') || 'none'})` }]);
    const config = restoreSecrets(connector.configSchema, body.config, stored);
    const problems = connector.validateConfig(config).map((p) => ({ path: `/config${p.path}`, message: p.message }));
    if (problems.length > 0) throw invalidBody(problems);
    if ((await connector.check(config)).ok) {
      const streams = new Set((await connector.discover(config)).map((s) => s.name));
      const unknown = body.streams
        .map((s, i) => ({
          path: `/streams/${i}/name`,
          message: `is not a stream of this source (${[...streams].join(', ')})`,
          name: s.name,
        }))
        .filter((p) => !streams.has(p.name));
      if (unknown.length > 0) throw invalidBody(unknown.map(({ path, message }) => ({ path, message })));
    }
    return config;
  }
}
