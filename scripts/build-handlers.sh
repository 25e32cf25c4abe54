#!/bin/sh
# Builds the C handler blobs with the system C compiler: the built-in drivers
# (and packages their driver.json), and the test fixtures when they are here.
set -e
cd "$(dirname "$0")/.."
make -s -C drivers
if [ -f test/fixtures/handlers/Makefile ]; then make -s -C test/fixtures/handlers; fi
