/** What the manager knows of a packet once it has checked the handler's account of it. */
export interface KeyMaterial {
  version: number;
  created: number;
  algo: number;
  /** RSA n and e, a curve OID and point, or the Ed25519 key; empty when the algorithm is not supported. */
  m1: Buffer;
  m2: Buffer;
}

export interface Subpacket {
  hashed: boolean;
  type: number;
  critical: boolean;
  /** The subpacket's data, after its type octet. */
  body: Buffer;
  /** The embedded signature of a type-32 subpacket in a top-level signature. */
  embedded?: SigPacket;
}

export interface SigPacket {
  version: number;
  type: number;
  pkAlgo: number;
  hashAlgo: number;
  /** The signature packet's body up to the end of its hashed subpackets: what the v4 trailer hashes. */
  hashedPart: Buffer;
  prefix: Buffer;
  /** RSA s; ECDSA/EdDSA r and s; Ed25519 the 64-byte signature. Empty when the algorithm is not supported. */
  values: Buffer[];
  subpackets: Subpacket[];
}

export interface Packet {
  tag: number;
  body: Buffer;
  key?: KeyMaterial;
  sig?: SigPacket;
}
