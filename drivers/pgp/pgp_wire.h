/*
 * pgp_wire.h: the pgp driver's wire, shared by the handler, the fuzz harness
 * and the lying test fixture. Little-endian u32 words throughout.
 *
 * Request, PGP_REQ_SIZE bytes: u32 op; u32 len; u8 data[PGP_REQ_DATA].
 *   op PGP_OP_ARMOR:   data is text: an armored block or a cleartext signed message
 *   op PGP_OP_PACKETS: data is binary OpenPGP packets (a keyring or signatures)
 * Reply, PGP_REP_SIZE bytes: u32 status; u32 err_offset; u32 nrec; u32 0;
 *   then nrec records of 8 u32 words. Every offset is into the request's data.
 *
 * The records only point: the manager re-reads every byte they point at.
 */
#ifndef PGP_WIRE_H
#define PGP_WIRE_H

#include <stdint.h>

#define PGP_REQ_SIZE (512u * 1024u)
#define PGP_REQ_HEADER 8u
#define PGP_REQ_DATA (PGP_REQ_SIZE - PGP_REQ_HEADER)
#define PGP_REP_SIZE (128u * 1024u)
#define PGP_REP_HEADER 16u
#define PGP_REC_WORDS 8u
#define PGP_MAX_RECORDS ((PGP_REP_SIZE - PGP_REP_HEADER) / (PGP_REC_WORDS * 4u))

enum pgp_op { PGP_OP_ARMOR = 1, PGP_OP_PACKETS = 2 };

enum pgp_status {
	PGP_OK = 0,
	PGP_E_MALFORMED = 1,   /* err_offset says where */
	PGP_E_TOO_MANY = 2,    /* more records than a reply holds */
	PGP_E_UNSUPPORTED = 3, /* e.g. partial body lengths, a compressed message */
	PGP_E_BAD_ARMOR = 4,
	PGP_E_BAD_REQUEST = 5,
};

enum pgp_rec {
	/* [1, tag, off, hdrlen, bodylen] one packet; packets tile the data */
	PGP_R_PACKET = 1,
	/* [2, version, created, algo, m1off, m1len, m2off, m2len] after a key packet.
	 * RSA: m1 = n, m2 = e (MPI values, after their 2-byte bit counts).
	 * ECDSA 19, EdDSA 22, ECDH 18: m1 = curve OID, m2 = the point's MPI value.
	 * Ed25519 27: m1 = the 32-byte key. Other algorithms: no spans. */
	PGP_R_KEY = 2,
	/* [4, version, sigtype, pkalgo, hashalgo, hashed_len, unhashed_len, prefix_off]
	 * after a signature packet (or an embedded signature subpacket); then its
	 * subpackets (hashed, then unhashed) as PGP_R_SUB, then PGP_R_SIGVAL.
	 * A version other than 4 is reported with no records after it. */
	PGP_R_SIG = 4,
	/* [5, m1off, m1len, m2off, m2len]: RSA m1 = s; ECDSA/EdDSA m1 = r, m2 = s
	 * (MPI values); Ed25519 27: m1 = the 64-byte signature */
	PGP_R_SIGVAL = 5,
	/* [6, area (0 hashed, 1 unhashed), off, hdrlen, bodylen (with the type octet), type, critical] */
	PGP_R_SUB = 6,
	/* [10, kind, begin_off, body_off, body_len, crc_off or 0xffffffff, end_off];
	 * the packets in its base64 follow as PGP_R_PACKET... records whose
	 * offsets are into the decoded bytes
	 * an armored block; kind 1 signature (or any "-----" line after a cleartext),
	 * 2 public key block, 3 message (gpg reads signatures from it too) */
	PGP_R_ARMOR = 10,
	/* [11, hash_mask, begin_off, text_off, text_len] a cleartext signed message
	 * (its signature block follows as PGP_R_ARMOR); hash_mask has bit n for
	 * each hash algorithm id n named in its Hash: headers */
	PGP_R_CLEAR = 11,
};

#define PGP_NO_CRC 0xffffffffu

#endif
