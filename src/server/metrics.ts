import { sqlStats } from '../db/sql-stats';

/** A few counters in Prometheus' text format; enough to watch a hub without another dependency. */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();

  constructor() {
    this.gauge('ewc_sql_statements_total', 'SQL statements sent by this process (counter).', () => sqlStats.statements);
    this.gauge('ewc_process_resident_memory_bytes', 'Resident memory of the process.', () => process.memoryUsage().rss);
    this.gauge('ewc_process_uptime_seconds', 'Seconds since the process started.', () => process.uptime());
  }

  inc(name: string, help: string, labels: Record<string, string> = {}, by = 1): void {
    const counter = this.counters.get(name) ?? { help, values: new Map<string, number>() };
    this.counters.set(name, counter);
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
      .join(',');
    counter.values.set(key, (counter.values.get(key) ?? 0) + by);
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, c] of this.counters) {
      lines.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [labels, v] of c.values) lines.push(`${name}${labels ? `{${labels}}` : ''} ${v}`);
    }
    for (const [name, g] of this.gauges) {
      lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
    }
    return lines.join('\n') + '\n';
  }
}
