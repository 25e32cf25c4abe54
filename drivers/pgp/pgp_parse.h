/* pgp_parse.h: the OpenPGP parser of the pgp driver, apart from its pipe loop
 * so that the fuzz harness and the sanitizer test build the very same code. */
#ifndef PGP_PARSE_H
#define PGP_PARSE_H

#include <stdint.h>

#include "pgp_wire.h"

/* Parses data[0..len) as `op` says and writes a whole reply (PGP_REP_SIZE
 * bytes) to `reply`. Never reads outside data, never writes outside reply. */
void pgp_parse(uint32_t op, const uint8_t *data, uint32_t len, uint8_t *reply);

#endif
