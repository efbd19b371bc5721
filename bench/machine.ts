/** What the benchmarks read about the machine they run on and its processes (Linux /proc; NaN elsewhere). */
import { readdirSync, readFileSync } from "node:fs";

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

/**
 * The CPU time of a process so far, in clock ticks, from /proc/<pid>/stat: utime + stime, and with `withChildren`
 * also cutime + cstime (its children that have ended and been waited for). `comm` is the command name.
 */
function statTicks(stat: string, withChildren: boolean): { comm: string; ticks: number } {
  // After the command name (in parentheses, which may hold spaces): state is field 3, utime field 14.
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  const at = (field: number) => Number(fields[field - 3]);
  return {
    comm: stat.slice(stat.indexOf("(") + 1, close),
    ticks: at(14) + at(15) + (withChildren ? at(16) + at(17) : 0),
  };
}

/** The CPU time of a process so far, in clock ticks (see statTicks); NaN if it cannot be read (ended). */
export function processTicks(pid: number, withChildren = false): number {
  try {
    return statTicks(readFileSync(`/proc/${pid}/stat`, "utf8"), withChildren).ticks;
  } catch {
    return NaN;
  }
}

/**
 * The CPU time every `postgres` process on the machine has used so far, in clock ticks. Without `withChildren`,
 * only the processes alive now count: a backend that ends between two readings takes its CPU out of the
 * difference. With it, the postmaster's cutime holds the backends that ended.
 */
export function postgresTicks(withChildren = false): number {
  let total = 0;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // the process ended
      }
      const { comm, ticks } = statTicks(stat, withChildren);
      if (comm === "postgres" && Number.isFinite(ticks)) total += ticks;
    }
  } catch {
    return NaN;
  }
  return total;
}

/** The peak resident set of a process so far (VmHWM in /proc/<pid>/status), in KiB; NaN if it cannot be read. */
export function peakRssKiB(pid: number): number {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}
