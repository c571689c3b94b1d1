/* mpy-test-board.h — boards for the device tests and benchmarks
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char        *dir;    /* private temporary directory */
  char        *link;   /* the port path to open: a symlink to a pty */
  GSubprocess *qemu;
  GSubprocess *socat;
  GSubprocess *fake;
  char        *peer;   /* socat's second address: the board behind the pty */
  gboolean     quiet;  /* socat's (and the firmware's) stderr silenced */
} MpyTestBoard;

/* The micro:bit MicroPython firmware in qemu, bridged to a pty by socat (DESIGN.md §7).
 * Returns NULL with @error when qemu, socat or the firmware is missing. */
MpyTestBoard *mpy_test_board_start_qemu (GError **error);
/* MicroPython's webassembly port from npm (tests/device/firmware, installed by
 * build-aux/setup.sh; MPY_FIRMWARE_DIR names its node_modules) run by node behind a pty
 * (DESIGN.md §7). @package is the npm alias ("mpy127", "mpy129"), @heapsize as for -X heapsize
 * ("256k", "8m"). Returns NULL with @error when node or the package is missing. */
MpyTestBoard *mpy_test_board_start_webassembly (const char  *package,
                                                const char  *heapsize,
                                                GError     **error);
/* The path of that package's micropython.mjs (NULL when MPY_FIRMWARE_DIR is not set). */
char         *mpy_test_board_webassembly_script (const char *package);
/* tests/device/fake-board (path in MPY_FAKE_BOARD) in @mode, playing @dump_file. */
MpyTestBoard *mpy_test_board_start_fake (const char  *mode,
                                         const char  *dump_file,
                                         GError     **error);
/* Restarts socat: a new pty behind the same link, as when a USB board re-enumerates (the
 * webassembly firmware, which socat runs, starts afresh too, as after a reset). */
gboolean      mpy_test_board_restart_bridge (MpyTestBoard  *board,
                                             GError       **error);
void          mpy_test_board_stop       (MpyTestBoard *board);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyTestBoard, mpy_test_board_stop)

/* Running the async API to completion in a test: a GAsyncReadyCallback that keeps the
 * result in the GAsyncResult* @data points to, and a wait for it that iterates the default
 * main context. Every operation ends within its own timeouts; @seconds only names a lost
 * result ("no result from the WHAT within N s") instead of hanging the test. */
void          mpy_test_store_result (GObject       *source,
                                     GAsyncResult  *result,
                                     gpointer       data);
GAsyncResult *mpy_test_wait_result  (GAsyncResult **slot,
                                     guint          seconds,
                                     const char    *what);

G_END_DECLS
