/**
 * Seeded, keyed randomness. Every random decision in a run is drawn from a generator keyed by the
 * run seed plus the identity of the decision (e.g. src, dest, per-link sequence number), never from
 * a shared stream, so a decision does not depend on how many other decisions were drawn before it or
 * on timing: the same seed gives the same delay to the same message in every run.
 *
 * cyrb128 hashes the key into 128 bits; sfc32 (Chris Doty-Humphrey's Small Fast Counter) expands
 * them. Neither is cryptographic; both are fast and pass the usual statistical batteries.
 */

import { randomBytes } from 'node:crypto';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export type KeyPart = string | number;

function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor([a, b, c, d]: [number, number, number, number]) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    // The first outputs of sfc32 are correlated with the seed words; discard a few.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    // 53 bits from two draws, so doubles near 1 are as fine-grained as near 0.
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** A generator for one decision, keyed by the run seed and the decision's identity. */
export function keyedRng(seed: KeyPart, ...key: KeyPart[]): Rng {
  return new Sfc32(cyrb128(`${seed}\u001f${key.join('\u001f')}`));
}

/** A fresh run seed when the user gave none: 32 random bits from the OS, printed so it can be reused. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32BE(0);
}
