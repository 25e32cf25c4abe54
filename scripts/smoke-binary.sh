#!/usr/bin/env bash
# Smoke test of the single executable as a user without Node runs it: a copy
# of the binary in a directory outside the repository, run from there with an
# empty environment whose PATH holds nothing but that copy (so no node).
# Usage: scripts/smoke-binary.sh [binary] [work dir]
#   binary    default dist/umd (build it with `npm run build:binary`)
#   work dir  default a new temporary directory, removed at the end
set -uo pipefail

binary=$(realpath "${1:-$(dirname "$0")/../dist/umd}")
if [ ! -x "$binary" ]; then
  echo "smoke-binary: $binary is missing: run npm run build:binary" >&2
  exit 2
fi
if [ -n "${2:-}" ]; then
  work=$(realpath "$2")
  remove_work=false
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/umd-smoke-XXXXXX")
  remove_work=true
fi
handler=$(realpath "$(dirname "$0")/../drivers/sample/sample_umh")
mkdir -p "$work/bin" "$work/drivers/outside"
cp "$binary" "$work/bin/umd"
cd "$work" || exit 2

# A driver from outside the binary: the sample handler's blob with a manager
# ES module of its own, which imports a module beside it and uses top-level await.
cp "$handler" drivers/outside/outside_umh
echo 'export const REPLY_SIZE = 131072;' >drivers/outside/sizes.mjs
cat >drivers/outside/manager.mjs <<'EOF'
import { REPLY_SIZE } from './sizes.mjs';
const requestSize = await Promise.resolve(4);
export default {
  name: 'outside_mgr',
  handlerName: 'outside_umh',
  requestSize,
  replySize: REPLY_SIZE,
  parseInput(input) {
    const offset = Number(input);
    if (!Number.isInteger(offset) || offset < 0 || offset >= REPLY_SIZE) throw Object.assign(new Error(`expected an offset, got ${input}`), { code: 'EINVAL' });
    return offset;
  },
  encode(offset) {
    const request = Buffer.alloc(requestSize);
    request.writeUInt32LE(offset);
    return request;
  },
  checkReply(reply, offset) {
    if (reply[offset] !== 1) throw new Error('the reply does not mark the offset');
    return { marked: offset };
  },
};
EOF
digest=$(sha256sum drivers/outside/outside_umh | cut -d' ' -f1)
printf '{"name": "outside", "handler": "outside_umh", "sha256": "%s", "manager": "./manager.mjs"}\n' "$digest" >drivers/outside/driver.json

umd() {
  env -i PATH="$work/bin" HOME="$work" UMD_RUNTIME_DIR="$work/run" UMD_DRIVER_PATH="$work/drivers" NO_COLOR=1 umd "$@"
}
trap 'umd daemon stop >/dev/null 2>&1; if $remove_work; then rm -rf "$work"; fi' EXIT

passed=0
failed=0
# check <description> <expected exit status> <text the output must contain> -- <umd arguments...>
check() {
  local what=$1 status=$2 expect=$3 output code
  shift 4
  output=$(umd "$@" 2>&1)
  code=$?
  if [ "$code" -eq "$status" ] && [[ "$output" == *"$expect"* ]]; then
    passed=$((passed + 1))
    echo "ok - $what"
  else
    failed=$((failed + 1))
    echo "not ok - $what: \`umd $*\` exited $code (expected $status), output:"
    printf '%s\n' "$output" | sed 's/^/    /'
  fi
}

if env -i PATH="$work/bin" /bin/sh -c 'command -v node' >/dev/null; then
  echo "smoke-binary: node is on the PATH umd gets" >&2
  exit 2
fi
check 'umd --help lists the commands' 0 'restart     Restart a driver' -- --help
check 'umd send --help shows the flags' 0 '--timeout=<value>' -- send --help
check 'send starts the daemon and loads the built-in sample on demand' 0 'umd: sample: 4 bytes accepted (loaded on demand)' -- send sample 1024
check 'send --json reports the result' 0 '"summary": "1 byte accepted"' -- send sample 7 --json
check 'the built-in drivers come from the binary, extracted under the runtime dir' 0 "\"manifest\": \"$work/run/embedded/" -- info sample --json
check 'a bad offset is EINVAL' 1 '"code": "EINVAL"' -- send sample 131072 --json
check 'a driver on UMD_DRIVER_PATH with its own manager module works' 0 '"marked": 4096' -- send outside 4096 --json
check 'list shows both drivers running' 0 'outside   running' -- list
check 'selftest passes' 0 '[PASS]' -- selftest
check 'selftest --seed passes' 0 'seed 1 [PASS]' -- selftest --seed 1
daemon_pid=$(umd daemon status --json | sed -n 's/^  "pid": \([0-9]*\),$/\1/p')
if [ "$(readlink "/proc/$daemon_pid/exe")" = "$work/bin/umd" ]; then
  passed=$((passed + 1))
  echo 'ok - the daemon is the binary itself'
else
  failed=$((failed + 1))
  echo "not ok - the daemon (pid '$daemon_pid') runs $(readlink "/proc/$daemon_pid/exe"), not $work/bin/umd"
fi
check 'daemon stop stops it' 0 '"wasRunning": true' -- daemon stop --json

echo "smoke-binary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
