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
