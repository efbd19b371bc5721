/**
 * Domain errors: typed values with a name, thrown by services and mapped once — to problem+json in HTTP
 * (platform/http/problem.ts) and to exit codes in the CLI. Details name fields, never personal data.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export class InvalidInput extends Error {
  override readonly name = "InvalidInput";
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((problem) => `${problem.field}: ${problem.message}`).join("; "));
  }
}

export class NotFound extends Error {
  override readonly name = "NotFound";
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class Forbidden extends Error {
  override readonly name = "Forbidden";
}

export class Unauthorised extends Error {
  override readonly name = "Unauthorised";
}

export class Conflict extends Error {
  override readonly name = "Conflict";
}

/** An operation the product refuses by design (e.g. deleting a breach: the log is kept indefinitely). */
export class NotAllowed extends Error {
  override readonly name = "NotAllowed";
}

/** The database cannot be reached right now; the request may be retried. */
export class Unavailable extends Error {
  override readonly name = "Unavailable";
}

/** The server is set up wrongly for this request (e.g. the wrong data key): an operator must act. */
export class Misconfigured extends Error {
  override readonly name = "Misconfigured";
}
