/*
 * upper_umh: an example umd handler in C, built outside umd's tree. It reads
 * 64-byte requests (text, zero-padded) on stdin and answers each with the
 * same 64 bytes in upper case on stdout, until stdin ends. What it logs goes
 * to stderr, which umd puts in `umd log`.
 *
 * Build: cc -O2 -Wall -I<umd>/drivers/include -o upper_umh upper_umh.c
 */
#include <ctype.h>
#include <stdio.h>
#include <umd_pipe.h>

#define MSG_SIZE 64

int main(void)
{
	unsigned char msg[MSG_SIZE];

	fprintf(stderr, "Started upper_umh\n");
	fflush(stderr);
	while (read_exact(0, msg, sizeof(msg)) == 0) {
		for (size_t i = 0; i < sizeof(msg); i++)
			msg[i] = (unsigned char)toupper(msg[i]);
		if (write_all(1, msg, sizeof(msg)) != 0)
			return 1;
	}
	return 0;
}
