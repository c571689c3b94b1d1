#!/usr/bin/env bash
# Quick start, second command: install what is missing, build, and run every test headless:
# the main build under Xvfb, an ASan+UBSan build of the core, device and CLI tests, and short
# libFuzzer runs (30 s each) of the dump reader, the session file round trip and the raw-REPL
# client. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
build-aux/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

export GTK_A11Y=none GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
status=0
logs=()

echo "== main build: all tests"
xvfb-run -a -s "-screen 0 1400x900x24" \
  meson test -C _build --print-errorlogs --num-processes 2 || status=1
logs+=(_build/meson-logs/testlog.json)

echo "== ASan + UBSan build: core, device and CLI tests"
if [ ! -f _build-asan/build.ninja ]; then
  meson setup _build-asan -Dgui=false -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debug >/dev/null || status=1
fi
if meson compile -C _build-asan >/dev/null; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C _build-asan --print-errorlogs --num-processes 2 --no-suite slow || status=1
  logs+=(_build-asan/meson-logs/testlog.json)
else
  echo "ASan build failed"; status=1
fi

echo "== libFuzzer: dump reader, session file round trip, raw-REPL client"
if [ ! -f _build-fuzz/build.ninja ]; then
  CC=clang meson setup _build-fuzz -Dgui=false -Ddevice=false -Dtests=false -Dfuzzer=true \
    -Dbuildtype=debug >/dev/null || status=1
fi
if meson compile -C _build-fuzz >/dev/null; then
  meson test -C _build-fuzz --print-errorlogs --suite fuzz || status=1
  logs+=(_build-fuzz/meson-logs/testlog.json)
else
  echo "fuzzer build failed"; status=1
fi

python3 build-aux/test-summary.py "${logs[@]}" || status=1
exit $status
