/* mpy-board-watch.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-board.h"

G_BEGIN_DECLS

/* How a watch records (DESIGN.md §10). */
typedef enum {
  MPY_BOARD_WATCH_EVERY,   /* a capture through the raw REPL every interval */
  MPY_BOARD_WATCH_RUN,     /* run a program, record every dump it prints */
  MPY_BOARD_WATCH_LISTEN,  /* send nothing, record every dump the board prints */
} MpyBoardWatchMode;

GType mpy_board_watch_mode_get_type (void);
#define MPY_TYPE_BOARD_WATCH_MODE (mpy_board_watch_mode_get_type ())

#define MPY_WATCH_MIN_INTERVAL_MS 200

/**
 * MpyBoardWatchOptions:
 * @mode: how to record
 * @interval_ms: %MPY_BOARD_WATCH_EVERY: ms between the starts of two captures (at least
 *   %MPY_WATCH_MIN_INTERVAL_MS); a tick that comes while a capture runs is skipped
 * @gc: %MPY_BOARD_WATCH_EVERY: gc.collect() before each capture
 * @figures_only: %MPY_BOARD_WATCH_EVERY: mem_info() without argument (figures, no map)
 * @script: %MPY_BOARD_WATCH_RUN: the program's text (no bytes 0x01–0x05)
 * @count: stop after this many snapshots (0: until cancelled, or the program ends)
 */
typedef struct
{
  MpyBoardWatchMode  mode;
  guint              interval_ms;
  gboolean           gc;
  gboolean           figures_only;
  const char        *script;
  guint              count;
} MpyBoardWatchOptions;

/* Starts a watch: each snapshot is emitted as "watch-snapshot" on @self, in the caller's
 * thread-default main context, the moment it is complete. Ends when @count snapshots came,
 * the program of %MPY_BOARD_WATCH_RUN ends, @cancellable is cancelled (a running program is
 * interrupted, what was recorded is kept), or the board fails. The callback comes once the
 * board is idle again. */
void      mpy_board_watch_async  (MpyBoard                    *self,
                                  const MpyBoardWatchOptions  *options,
                                  GCancellable                *cancellable,
                                  GAsyncReadyCallback          callback,
                                  gpointer                     user_data);
/* Returns: %TRUE when the watch ended by its count, the program's end or a cancel (a stop,
 * not a failure); %FALSE with @error when the board failed. @n_snapshots, @n_skipped (ticks
 * skipped while a capture ran), @rest (what the program printed after its last dump) and
 * @traceback (%MPY_BOARD_WATCH_RUN: the program's, "" when none) are set either way. */
gboolean  mpy_board_watch_finish (MpyBoard      *self,
                                  GAsyncResult  *result,
                                  guint         *n_snapshots,
                                  guint         *n_skipped,
                                  char         **rest,
                                  char         **traceback,
                                  GError       **error);

G_END_DECLS
