// One line per figure, machine-readable (see the brief):
// BENCH <name> value=<number> unit=<unit> [ref=<number> ratio=<number> vs=<reference-name>]
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number };
}

function round(n: number): string {
  if (Math.abs(n) >= 1000) return String(Math.round(n));
  return Number.isInteger(n) ? String(n) : n.toPrecision(4);
}

export function formatFigure(figure: BenchFigure): string {
  let line = `BENCH ${figure.name} value=${round(figure.value)} unit=${figure.unit}`;
  if (figure.reference) {
    const ratio = figure.value / figure.reference.value;
    line += ` ref=${round(figure.reference.value)} ratio=${round(ratio)} vs=${figure.reference.name}`;
  }
  return line;
}

/** Runs fn repeatedly for about `ms` milliseconds; returns operations per second. */
export async function opsPerSecond(fn: () => unknown, ms = 1000): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(); // warm up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 100; i++) await fn();
    count += 100;
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}
