/**
 * An end-to-end seal made by hand, apart from the project's code, from what docs/protocol.md (5.3)
 * and docs/security.md say: X25519, HKDF-SHA256 with info `agentnet e2e v1 <src>.<inc>><dest>.<inc>`,
 * AES-256-GCM with the sequence number as nonce and the journal facts as associated data. A test
 * that plays a member (it registered and holds its own key) seals data messages with it.
 */
import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';

export interface HandSeal {
  /** The X25519 public key to state in a register (base64 of 32 bytes). */
  kx: string;
  /** Seals `body` as process `from` of `src` for process `to` of `dest`, whose X25519 key is `destKx`. */
  seal: (o: { src: string; from: number; dest: string; to: number; destKx: string; id: string; sent_at: number; seq: number; body: object }) => {
    type: 'sealed';
    seq: number;
    from: number;
    to: number;
    box: string;
  };
}

export function handSeal(): HandSeal {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const raw = (k: KeyObject) => Buffer.from(k.export({ format: 'jwk' }).x as string, 'base64url');
  return {
    kx: raw(publicKey).toString('base64'),
    seal: (o) => {
      const theirs = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(o.destKx, 'base64').toString('base64url') }, format: 'jwk' });
      const shared = diffieHellman({ privateKey, publicKey: theirs });
      const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), `agentnet e2e v1 ${o.src}.${o.from}>${o.dest}.${o.to}`, 32));
      const nonce = Buffer.alloc(12);
      nonce.writeUIntBE(o.seq, 6, 6);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(JSON.stringify([o.src, o.dest, o.id, o.sent_at, null, null, o.seq, o.from, o.to])));
      const box = Buffer.concat([cipher.update(JSON.stringify(o.body)), cipher.final(), cipher.getAuthTag()]);
      return { type: 'sealed', seq: o.seq, from: o.from, to: o.to, box: box.toString('base64') };
    },
  };
}
