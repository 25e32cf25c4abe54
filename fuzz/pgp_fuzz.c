/*
 * The pgp driver's parser under a fuzzer. The first byte picks the request
 * (odd: armor text, even: binary packets); the rest is the request's data.
 * Built by fuzz/run.sh with libFuzzer (clang -fsanitize=fuzzer,address,
 * undefined), and by the test suite with gcc's sanitizers and
 * fuzz/run_corpus.c as its main, to replay fuzz/corpus and fuzz/regressions.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../drivers/pgp/pgp_parse.h"

static uint8_t reply[PGP_REP_SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (size < 1 || size - 1 > PGP_REQ_DATA)
		return 0;
	/* An exact-size copy, so that the sanitizer sees any read past the data. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	pgp_parse(data[0] & 1 ? PGP_OP_ARMOR : PGP_OP_PACKETS, copy, (uint32_t)(size - 1), reply);
	free(copy);
	return 0;
}
