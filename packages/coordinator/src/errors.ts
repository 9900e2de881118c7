/** Local failures of the coordinator process. */

/** The run could not start: nodes did not register, did not link, or left before the start. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

/** A fault that cannot be applied as asked (unknown node or name, a node not running); nothing changed. */
export class FaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultError';
  }
}

/**
 * A control API request refused with an HTTP status and a wire error code; nothing changed.
 * `allow` lists the methods a path takes (the Allow header of a 405).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly allow?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
