/**
 * Closed sets (fault kinds, refusal reasons, ...) are typed tables: each member's key with what it
 * means. This makes the zod enum that checks input against a table's keys, so the two never drift.
 */
import { z } from 'zod';

export function enumOfKeys<T extends Record<string, unknown>>(table: T) {
  return z.enum(Object.keys(table) as [keyof T & string, ...Array<keyof T & string>]);
}
