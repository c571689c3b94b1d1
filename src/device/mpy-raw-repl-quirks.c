/* mpy-raw-repl-quirks.c — the firmware quirk table (DESIGN.md §5)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How a board is recognised: by the banner the friendly REPL prints for Ctrl-B, which the
 * raw-REPL client sends while it enters the raw REPL anyway (`\x03\x03\x02\x01`). Ctrl-B
 * neither runs code nor touches the heap, and the banner arrives before the first exchange,
 * so the raw-paste decision is made before `\x05A\x01` could ever be sent. Where no banner
 * came (a board that does not print "MicroPython …"), the client runs
 * `import sys;print(sys.platform)` once in plain raw mode (no raw-paste) and uses the
 * platform column. A soft reset would print the banner too, but it wipes the heap: never
 * for this.
 *
 * The capture statements, measured as heap left per capture (consecutive captures' "used",
 * after gc.collect(), the same every time):
 *
 *   statement                                       1.9.2 micro:bit   1.27 / 1.29 wasm
 *   __import__('micropython').mem_info(1)                 128 B            160 B
 *   import micropython;micropython.mem_info(1)            144 B            144 B
 *   from micropython import mem_info;mem_info(1)          160 B            160 B
 *   import micropython as m;m.mem_info(1)                 160 B            160 B
 *   …;del micropython (after the import form)             160 B            144 B
 *
 * (`del` would also remove a `micropython` the user bound: not used.)
 */

#include <string.h>

#include "mpy-raw-repl-quirks.h"

static const MpyFirmwareQuirks table[] = {
  /* npm's @micropython/micropython-webassembly-pyscript (1.27.0, 1.29.0-6): answers the
   * raw-paste request with R\x01, the window and \x01, then \x04, and never reads stdin
   * again (its reader returns 0 bytes forever): the board is dead until restarted. A soft
   * reset ends the node process. Ctrl-C does not interrupt running code. */
  { "MicroPython's webassembly port", "; JS with Emscripten", "webassembly",
    FALSE, TRUE, FALSE, MPY_CAPTURE_STMT_IMPORT },
  /* The unix (and windows) port, raw REPL since v1.27: "…; linux [GCC 12.2.0] version".
   * A soft reset ends the process (exit status 0). Raw-paste works. Its stdin is not read
   * while code runs, so a Ctrl-C there waits for the code to end. */
  { "MicroPython's unix port", "] version", "linux",
    TRUE, TRUE, FALSE, MPY_CAPTURE_STMT_DEFAULT },
  /* The micro:bit's MicroPython 1.9.2: older than raw-paste (v1.14); asking costs a round
   * trip and a re-printed banner, so it is not asked at all. */
  { "MicroPython for the micro:bit", "micro:bit", "microbit",
    FALSE, FALSE, TRUE, MPY_CAPTURE_STMT_DEFAULT },
  /* any other firmware: raw-paste asked for (a failure falls back to plain raw mode); a
   * bare-metal port's UART interrupt sees Ctrl-C while code runs */
  { "MicroPython", NULL, NULL,
    TRUE, FALSE, TRUE, MPY_CAPTURE_STMT_DEFAULT },
};

const MpyFirmwareQuirks *
mpy_firmware_quirks_table (void)
{
  return table;
}

const MpyFirmwareQuirks *
mpy_firmware_quirks_lookup (const char *banner)
{
  guint i;

  for (i = 0; table[i].banner_match != NULL; i++)
    if (banner != NULL && strstr (banner, table[i].banner_match) != NULL)
      break;
  return &table[i];
}

const MpyFirmwareQuirks *
mpy_firmware_quirks_lookup_platform (const char *platform)
{
  guint i;

  for (i = 0; table[i].banner_match != NULL; i++)
    if (platform != NULL && g_strcmp0 (platform, table[i].platform) == 0)
      break;
  return &table[i];
}
