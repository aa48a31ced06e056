/**
 * CPU seconds used by several processes since the meter was made: each source reads its process's running total
 * (BenchProcess.cpuSeconds, postgresCpuSeconds...), and used() subtracts the totals read at construction.
 */
export class CpuMeter<Name extends string> {
  private readonly before: Record<Name, number>;

  constructor(private readonly sources: Record<Name, () => number>) {
    this.before = this.read();
  }

  used(): Record<Name, number> {
    const now = this.read();
    for (const name of Object.keys(now) as Name[]) now[name] -= this.before[name];
    return now;
  }

  private read(): Record<Name, number> {
    const totals = {} as Record<Name, number>;
    for (const name of Object.keys(this.sources) as Name[]) totals[name] = this.sources[name]();
    return totals;
  }
}
