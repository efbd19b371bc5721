/** What the benchmarks read about the machine they run on (Linux /proc). */
import { readFileSync } from "node:fs";

/** CPU time of the whole machine so far, in clock ticks: busy and in all (from /proc/stat; NaN elsewhere). */
export function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}
