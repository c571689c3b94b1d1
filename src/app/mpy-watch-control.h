/* mpy-watch-control.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-board-watch.h"

G_BEGIN_DECLS

#define MPY_TYPE_WATCH_CONTROL (mpy_watch_control_get_type ())
G_DECLARE_FINAL_TYPE (MpyWatchControl, mpy_watch_control, MPY, WATCH_CONTROL, GtkWidget)

/**
 * MpyWatchControl:
 *
 * The Watch control of the device sidebar: the mode (every S seconds, run a script file,
 * listen), Start/Stop, a count of what was recorded, and the log_mem() snippet to copy. The
 * sequencing is the board's (mpy_board_watch_async()); the snapshots arrive as the board's
 * "watch-snapshot" signal, which the window adds to its document.
 *
 * Property "watching" (read-only): a watch runs.
 */
GtkWidget         *mpy_watch_control_new          (MpyBoard          *board);
gboolean           mpy_watch_control_get_watching (MpyWatchControl   *self);
void               mpy_watch_control_set_mode     (MpyWatchControl   *self,
                                                   MpyBoardWatchMode  mode);
void               mpy_watch_control_set_interval (MpyWatchControl   *self,
                                                   double             seconds);
/* The script file of the run mode (read when the watch starts). */
void               mpy_watch_control_set_script   (MpyWatchControl   *self,
                                                   GFile             *file);
/* Start or stop, as the button does. */
void               mpy_watch_control_toggle       (MpyWatchControl   *self);
/* The status line under the button ("3 snapshots", an error). */
const char        *mpy_watch_control_get_status   (MpyWatchControl   *self);
/* The logging snippet the popover offers (the README's log_mem()). */
const char        *mpy_watch_control_get_snippet  (void);

G_END_DECLS
