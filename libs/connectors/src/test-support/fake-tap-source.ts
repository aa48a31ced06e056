import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SingerConfig } from '../singer/singer-config';

export const FAKE_TAP = join(__dirname, 'fake-tap.js');
export const TAP_PASSWORD = 'hunter2-fake-tap';

interface Row {
  updated_at: string;
  [field: string]: unknown;
}

/** The fake tap's source: a JSON data file in a temp folder, changed between reads like a real system's tables. */
export class FakeTapSource {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-tap-source-'));
  readonly dataFile = join(this.dir, 'data.json');
  readonly customers = new Map<string, Row>();
  readonly orders = new Map<string, Row>();
  private clock = Date.parse('2026-04-01T00:00:00.000Z');

  constructor() {
    this.save();
  }

  /** Advances the clock by `seconds` (0: a tie on updated_at, broken by id). */
  upsertCustomer(id: string, fields: Record<string, unknown> = {}, seconds = 1): void {
    this.clock += seconds * 1000;
    const email = `${id.toLowerCase()}@example.com`;
    this.customers.set(id, {
      id,
      email,
      tier: 'bronze',
      ...this.customers.get(id),
      ...fields,
      updated_at: new Date(this.clock).toISOString(),
    });
    this.save();
  }

  addOrder(orderId: number, customerId: string, total: number): void {
    this.clock += 1000;
    this.orders.set(String(orderId), { order_id: orderId, customer_id: customerId, total, updated_at: new Date(this.clock).toISOString() });
    this.save();
  }

  /** A config running the fake tap with node; `tap` adds its switches (see fake-tap.js). */
  config(tap: Record<string, unknown> = {}, overrides: Partial<SingerConfig> = {}): SingerConfig {
    return {
      command: process.execPath,
      args: [FAKE_TAP],
      tapConfig: { dataFile: this.dataFile, ...tap },
      tapSecrets: { password: TAP_PASSWORD },
      ...overrides,
    };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private save(): void {
    writeFileSync(this.dataFile, JSON.stringify({ customers: [...this.customers.values()], orders: [...this.orders.values()] }));
  }
}
