/*
 * start HANDLER N: the baseline of P5. N times: fork+exec the bare handler
 * and run the post_start health check (timed), then kill and reap it (not
 * timed). Prints the mean nanoseconds per start.
 */
#include "umh.h"

int main(int argc, char **argv)
{
	struct umh h;
	long n, i;
	int64_t total = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: start HANDLER N\n");
		return 2;
	}
	n = arg_long(argv[2], "N");
	for (i = 0; i < n; i++) {
		int64_t t0 = now_ns();

		umh_start(&h, argv[1]);
		total += now_ns() - t0;
		umh_kill(&h);
	}
	printf("%.0f\n", (double)total / (double)n);
	return 0;
}
