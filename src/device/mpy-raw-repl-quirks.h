/* mpy-raw-repl-quirks.h — what the raw-REPL client must know about particular firmware
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MPY_RAW_PASTE_AUTO, /* raw-paste where the firmware takes it; plain raw mode elsewhere */
  MPY_RAW_PASTE_OFF,  /* plain raw mode only */
} MpyRawPasteMode;

/* The statement a capture runs where the table says nothing better. `__import__` leaves the
 * user's globals alone (no `micropython` name, no dict growth); on 1.9.2 it leaves the least
 * garbage of the forms measured (128 B per capture on the micro:bit). */
#define MPY_CAPTURE_STMT_DEFAULT "__import__('micropython').mem_info(1)"
/* mpremote's statement. On 1.27 and 1.29 (webassembly) it leaves 144 B per capture where the
 * `__import__` form leaves 160 B; it binds `micropython` (the module) in the REPL's globals,
 * as a user's own `import micropython` would. */
#define MPY_CAPTURE_STMT_IMPORT  "import micropython;micropython.mem_info(1)"

/**
 * MpyFirmwareQuirks:
 * @name: which firmware this is, for messages ("MicroPython's webassembly port")
 * @banner_match: what its banner contains (the key of the table)
 * @platform: its `sys.platform`, for a board whose banner was not seen (nullable)
 * @raw_paste: %FALSE when the firmware must never get the raw-paste request `\x05A\x01`
 * @soft_reset_ends_process: a soft reset (Ctrl-D on an empty raw line) ends the firmware's
 *   process instead of restarting it (ports that run on an operating system)
 * @ctrl_c_stops_code: Ctrl-C interrupts running code (a KeyboardInterrupt); %FALSE where
 *   the firmware reads its input only between statements
 * @capture_stmt: the statement that leaves the least heap behind on this firmware
 *
 * One row of the table in mpy-raw-repl-quirks.c, chosen by the firmware's banner.
 */
typedef struct
{
  const char *name;
  const char *banner_match;
  const char *platform;
  gboolean    raw_paste;
  gboolean    soft_reset_ends_process;
  gboolean    ctrl_c_stops_code;
  const char *capture_stmt;
} MpyFirmwareQuirks;

/* The row for @banner (nullable: not known yet), or the defaults for any other firmware
 * (raw-paste asked for, soft reset allowed, the default statement). Never NULL. */
const MpyFirmwareQuirks *mpy_firmware_quirks_lookup (const char *banner);

/* The row for what `sys.platform` printed (for firmware whose banner was not seen). */
const MpyFirmwareQuirks *mpy_firmware_quirks_lookup_platform (const char *platform);

/* The whole table, ending with a row whose @banner_match is NULL (the defaults). */
const MpyFirmwareQuirks *mpy_firmware_quirks_table (void);

G_END_DECLS
