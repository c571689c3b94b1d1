/* mpy-device-sidebar.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#ifdef HAVE_DEVICE
# include "mpy-board.h"
#endif

G_BEGIN_DECLS

#define MPY_TYPE_DEVICE_SIDEBAR (mpy_device_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (MpyDeviceSidebar, mpy_device_sidebar, MPY, DEVICE_SIDEBAR, GtkWidget)

/**
 * MpyDeviceSidebar:
 *
 * The board panel: live port list, a path entry for any tty, baud, the board's state and
 * firmware banner, progress and Cancel while an operation runs, and "Run on board" with its
 * output. It shows and drives one #MpyBoard (the window's): the widgets set the board's
 * address, baud and lines and follow them when they change on the board.
 *
 * Properties: "path" (string), "baud" (guint), "dtr", "rts" (guint, as MpyLineMode),
 * "busy" (gboolean, read-only: the board runs an operation).
 * Signal "error" (GError *): an operation failed; the window shows the message.
 */
GtkWidget   *mpy_device_sidebar_new            (void);
const char  *mpy_device_sidebar_get_path       (MpyDeviceSidebar *self);
void         mpy_device_sidebar_set_path       (MpyDeviceSidebar *self,
                                                const char       *path);
guint        mpy_device_sidebar_get_baud       (MpyDeviceSidebar *self);
void         mpy_device_sidebar_set_baud       (MpyDeviceSidebar *self,
                                                guint             baud);
/* DTR and RTS while the port is open: 0 default (asserted), 1 on, 2 off (MpyLineMode). */
guint        mpy_device_sidebar_get_dtr        (MpyDeviceSidebar *self);
guint        mpy_device_sidebar_get_rts        (MpyDeviceSidebar *self);
void         mpy_device_sidebar_set_lines      (MpyDeviceSidebar *self,
                                                guint             dtr,
                                                guint             rts);
gboolean     mpy_device_sidebar_get_busy       (MpyDeviceSidebar *self);
/* Cancels the board's running operation, if any. */
void         mpy_device_sidebar_cancel         (MpyDeviceSidebar *self);
#ifdef HAVE_DEVICE
MpyBoard    *mpy_device_sidebar_get_board      (MpyDeviceSidebar *self);
/* The Watch control on the board (an MpyWatchControl). */
GtkWidget   *mpy_device_sidebar_get_watch_control (MpyDeviceSidebar *self);
#endif

/* Recently used network boards, newest first ("recent-network-boards"). */
const char * const *mpy_device_sidebar_get_recent_network_boards (MpyDeviceSidebar *self);
void         mpy_device_sidebar_set_recent_network_boards (MpyDeviceSidebar   *self,
                                                           const char * const *addresses);
#ifdef HAVE_DEVICE
/* Opens "Connect to a network board" for @address (or none); returns the dialog. */
GtkWidget   *mpy_device_sidebar_connect_network (MpyDeviceSidebar *self,
                                                 const char       *address);
#endif

/* Runs @code on the board; output and traceback go to the sidebar's output view. */
void         mpy_device_sidebar_run            (MpyDeviceSidebar *self,
                                                const char       *code);
/* The text of the output view, for tests. */
char        *mpy_device_sidebar_dup_output     (MpyDeviceSidebar *self);

G_END_DECLS
