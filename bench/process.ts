/**
 * A Node child process run to its end and measured from outside: under `/usr/bin/time -v` for its peak RSS and
 * CPU when that is GNU time, else with its peak RSS polled from /proc/<pid>/status VmHWM (and no CPU).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { peakRssKiB } from "./machine.js";

const gnuTime = "/usr/bin/time";

/** Whether children run under GNU time (`/usr/bin/time -v`). */
export const useGnuTime = (() => {
  if (!existsSync(gnuTime)) return false;
  try {
    // GNU time understands -v; BusyBox and BSD time may not.
    const result = spawnSync(gnuTime, ["-v", "true"], { stdio: ["ignore", "ignore", "pipe"] });
    return result.status === 0 && result.stderr.toString("utf8").includes("Maximum resident set size");
  } catch {
    return false;
  }
})();

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last `stderrTail` characters of its standard error. */
  stderr: string;
  /** User and system CPU of the child (from GNU time); NaN without it. */
  cpuSeconds: number;
  /** From GNU time (Maximum resident set size), else the highest VmHWM polled every 10 ms; NaN if unknown. */
  peakRssKiB: number;
}

export interface ChildOptions {
  cwd: string;
  /** The child's environment; this process's by default. */
  env?: NodeJS.ProcessEnv;
  /** Where GNU time writes its report (overwritten on each run). */
  timeFile: string;
  /** How many characters of the child's standard error to keep (the last ones). */
  stderrTail: number;
  /** The bench's running children (to stop on clean-up): the child is in it while it runs. */
  children: Set<ChildProcess>;
}

/** Runs `node ...nodeArgs` to its close, with its peak RSS and CPU. */
export async function runChild(nodeArgs: string[], options: ChildOptions): Promise<ChildRun> {
  const { cwd, env, timeFile, stderrTail, children } = options;
  const command = useGnuTime ? gnuTime : process.execPath;
  const args = useGnuTime ? ["-v", "-o", timeFile, process.execPath, ...nodeArgs] : nodeArgs;
  const child = spawn(command, args, {
    cwd,
    ...(env === undefined ? {} : { env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const stdout: Buffer[] = [];
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-stderrTail);
  });
  // Without GNU time: poll the high-water mark of the resident set (a lower bound: the last poll before exit).
  let polledKiB = NaN;
  const poll = useGnuTime
    ? null
    : setInterval(() => {
        const kib = peakRssKiB(child.pid ?? 0);
        if (Number.isFinite(kib)) polledKiB = Number.isNaN(polledKiB) ? kib : Math.max(polledKiB, kib);
      }, 10);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode, exitSignal) => {
      resolve([exitCode, exitSignal]);
    });
  });
  children.delete(child);
  if (poll !== null) clearInterval(poll);
  let peak = polledKiB;
  let cpuSeconds = NaN;
  if (useGnuTime) {
    try {
      const report = readFileSync(timeFile, "utf8");
      const field = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(report)?.[1] ?? NaN);
      peak = field("Maximum resident set size \\(kbytes\\)");
      cpuSeconds = field("User time \\(seconds\\)") + field("System time \\(seconds\\)");
    } catch {
      peak = NaN;
    }
  }
  return {
    code,
    signal,
    stdout: Buffer.concat(stdout).toString("utf8"),
    stderr,
    cpuSeconds,
    peakRssKiB: peak,
  };
}
