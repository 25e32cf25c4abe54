/*
 * rtt HANDLER N: the baseline of P1. Starts one handler, warms it up, then
 * times N round trips on the same persistent child and prints the mean
 * nanoseconds per round trip.
 */
#include "umh.h"

int main(int argc, char **argv)
{
	struct umh h;
	long n, i;
	int64_t t0;

	if (argc != 3) {
		fprintf(stderr, "usage: rtt HANDLER N\n");
		return 2;
	}
	n = arg_long(argv[2], "N");
	umh_start(&h, argv[1]);
	for (i = 0; i < 50; i++)
		umh_round_trip(&h, (uint32_t)(i % 128) * 1024);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		umh_round_trip(&h, (uint32_t)(i % 128) * 1024);
	printf("%.0f\n", (double)(now_ns() - t0) / (double)n);
	umh_kill(&h);
	return 0;
}
