#!/bin/sh
# Builds the C parts with the system C compiler: the handler launcher, the
# built-in drivers (packaging their driver.json), and the test fixtures when
# they are here.
set -e
cd "$(dirname "$0")/.."
make -s -C libexec
make -s -C drivers
if [ -f test/fixtures/handlers/Makefile ]; then make -s -C test/fixtures/handlers; fi
