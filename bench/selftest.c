/*
 * selftest HANDLER ITERATIONS UNLOAD_EVERY: the baseline of P2, the work of
 * umd_mgmt.sh done in C with nothing in between: start the handler (with
 * its post_start check); ITERATIONS round trips at offsets (r % 128) * 1024;
 * after iteration i with i % UNLOAD_EVERY == 0 kill it, so the next round
 * trip starts a fresh one. 500 and 50 make 11 starts. Timed from outside,
 * as a whole process.
 */
#include "umh.h"

int main(int argc, char **argv)
{
	struct umh h;
	long iterations, every, i;
	uint32_t state = 12345;
	int running;

	if (argc != 4) {
		fprintf(stderr, "usage: selftest HANDLER ITERATIONS UNLOAD_EVERY\n");
		return 2;
	}
	iterations = arg_long(argv[2], "ITERATIONS");
	every = arg_long(argv[3], "UNLOAD_EVERY");
	umh_start(&h, argv[1]);
	running = 1;
	for (i = 0; i < iterations; i++) {
		state = state * 1103515245 + 12345;
		if (!running) {
			umh_start(&h, argv[1]);
			running = 1;
		}
		umh_round_trip(&h, ((state >> 16) % 128) * 1024);
		if (i % every == 0) {
			umh_kill(&h);
			running = 0;
		}
	}
	if (running)
		umh_kill(&h);
	return 0;
}
