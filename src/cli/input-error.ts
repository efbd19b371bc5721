/** Bad input given to a command: each line names the field or the file at fault. Exit code 2. */
export class InputError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
    this.name = "InputError";
  }
}

export const exitCodes = {
  ok: 0,
  /** Something went wrong inside dpdesk (a defect or an environment failure). */
  failure: 1,
  /** The input or the command line was wrong; nothing was done. */
  badInput: 2,
  /** The work was done but its result needs a person: a broken audit chain, letters failed or uncertain. */
  needsAttention: 3,
} as const;
