/**
 * A worker thread of `dpdesk impact`: counts the rows that start in one byte range of a file and hands back
 * its tally. The main thread checks that the ranges join up (a range cut inside a quoted field would not)
 * and absorbs the tallies in file order.
 */
import { isUtf8 } from "node:buffer";
import { open } from "node:fs/promises";
import { parentPort, type MessagePort } from "node:worker_threads";
import { CsvScanner, utf8SafeEnd } from "./csv-scanner.js";
import { Tally, type FilePlan, type TallyData, type TallyProblem } from "./tally.js";

export interface RangeTask {
  path: string;
  name: string;
  /** Rows that start at or after `start` and before `end` are this worker's. `start` is a row start. */
  start: number;
  end: number;
  delimiter: number;
  plan: FilePlan;
  maxFieldBytes: number;
  /** Stop collecting problems past this many (the main thread refuses the input then). */
  maxProblems: number;
  /** The line number of the range's first row. */
  startLine: number;
  /** About how many rows the range holds, and how long a person's key is (to size the tally once). */
  expect: { rows: number; keyBytes: number };
}

export interface RangeResult {
  /** The range's tally; null when it was counted into a tally given by the caller. */
  tally: TallyData | null;
  /** Line numbers counted from `startLine`. */
  problems: TallyProblem[];
  /** Physical lines from `start` to `nextRowStart`. */
  lines: number;
  /** Where the first row after this range starts (the file's size at its end). */
  nextRowStart: number;
}

export type WorkerMessage =
  { kind: "progress"; bytes: number; rows: number } | { kind: "done"; result: RangeResult };

const CHUNK = 4 * 1024 * 1024;

/**
 * Counts the rows of one range into `into` (the main thread counts the first range itself, straight into the
 * file's tally) or into a new tally, returned as data.
 */
export async function countRange(
  task: RangeTask,
  report: (message: WorkerMessage) => void,
  into?: Tally,
): Promise<RangeResult> {
  const problems: TallyProblem[] = [];
  const addProblem = (problem: TallyProblem) => {
    if (problems.length <= task.maxProblems) problems.push(problem);
  };
  const tally = into ?? new Tally(addProblem);
  tally.expect(task.expect.rows, task.expect.keyBytes);
  const stop = { at: -1, line: 0 };
  let checkUtf8 = false;
  const scanner = new CsvScanner({
    delimiter: task.delimiter,
    maxFieldBytes: task.maxFieldBytes,
    startOffset: task.start,
    startLine: task.startLine,
    atFileStart: false,
    onRow: (row) => {
      if (stop.at >= 0) return;
      if (row.offset >= task.end) {
        stop.at = row.offset;
        stop.line = row.line;
        return;
      }
      if (checkUtf8) {
        const low = row.starts[0] ?? 0;
        const high = row.ends[row.count - 1] ?? low;
        if (!isUtf8(row.bytes.subarray(low, high)))
          addProblem({ line: row.line, message: "not valid UTF-8 (read with replacements)" });
      }
      tally.count(row, task.plan, task.name);
    },
    onProblem: (problem) => {
      if (stop.at < 0) addProblem(problem);
    },
  });
  const handle = await open(task.path, "r");
  try {
    const size = (await handle.stat()).size;
    let position = task.start;
    let pending = new Uint8Array(0);
    let lastReport = performance.now();
    while (stop.at < 0 && position < size) {
      const buffer = new Uint8Array(pending.length + Math.min(CHUNK, size - position));
      buffer.set(pending);
      const { bytesRead } = await handle.read(
        buffer,
        pending.length,
        buffer.length - pending.length,
        position,
      );
      if (bytesRead === 0) break;
      position += bytesRead;
      const filled = buffer.subarray(0, pending.length + bytesRead);
      const cut = position >= size ? filled.length : utf8SafeEnd(filled);
      pending = filled.slice(cut);
      const whole = filled.subarray(0, cut);
      checkUtf8 = !isUtf8(whole);
      scanner.push(whole);
      const now = performance.now();
      if (now - lastReport > 250) {
        lastReport = now;
        report({ kind: "progress", bytes: position - task.start, rows: tally.rows });
      }
    }
    if (stop.at < 0) {
      if (pending.length > 0) {
        checkUtf8 = true;
        scanner.push(pending);
      }
      scanner.end();
      const data = into === undefined ? tally.data() : null;
      return { tally: data, problems, lines: scanner.linesScanned, nextRowStart: size };
    }
    const data = into === undefined ? tally.data() : null;
    return { tally: data, problems, lines: stop.line - task.startLine, nextRowStart: stop.at };
  } finally {
    await handle.close();
  }
}

/** In a worker thread: wait for the range, count it, hand back the tally. */
async function serve(port: MessagePort, task: RangeTask): Promise<void> {
  const result = await countRange(task, (message) => {
    port.postMessage(message);
  });
  const message: WorkerMessage = { kind: "done", result };
  const data = result.tally;
  port.postMessage(
    message,
    data === null
      ? []
      : [
          data.keys.arena.buffer as ArrayBuffer,
          data.keys.offsets.buffer as ArrayBuffer,
          data.jurisdiction.buffer as ArrayBuffer,
          data.categories.buffer as ArrayBuffer,
        ],
  );
}

if (parentPort !== null) {
  const port = parentPort;
  port.once("message", (task: RangeTask) => {
    void serve(port, task);
  });
}
