/* pgp_out.h: how the pgp parser writes its reply (records, status), shared
 * by its two halves: pgp_packets.c (binary packets) and pgp_text.c (armor,
 * cleartext). */
#ifndef PGP_OUT_H
#define PGP_OUT_H

#include <stdint.h>
#include <string.h>

#include "pgp_wire.h"

struct out {
	uint8_t *reply;
	uint32_t nrec;
	uint32_t status;
	uint32_t err_offset;
};

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline int fail(struct out *o, uint32_t status, uint32_t offset)
{
	if (o->status == PGP_OK) {
		o->status = status;
		o->err_offset = offset;
	}
	return -1;
}

static inline int emit(struct out *o, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3,
		uint32_t w4, uint32_t w5, uint32_t w6, uint32_t w7)
{
	uint32_t w[PGP_REC_WORDS] = { w0, w1, w2, w3, w4, w5, w6, w7 };
	uint8_t *p;

	if (o->nrec >= PGP_MAX_RECORDS)
		return fail(o, PGP_E_TOO_MANY, 0);
	p = o->reply + PGP_REP_HEADER + o->nrec * PGP_REC_WORDS * 4u;
	for (unsigned i = 0; i < PGP_REC_WORDS; i++)
		put32(p + 4 * i, w[i]);
	o->nrec++;
	return 0;
}

static inline uint32_t be16(const uint8_t *p)
{
	return ((uint32_t)p[0] << 8) | p[1];
}

static inline uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Binary packets: keys, user IDs, signatures and their subpackets. */
void pgp_packets(struct out *o, const uint8_t *d, uint32_t len);
/* Text: an armored block (its packets decoded and parsed too) or a cleartext signed message. */
void pgp_text(struct out *o, const uint8_t *d, uint32_t len);

#endif
