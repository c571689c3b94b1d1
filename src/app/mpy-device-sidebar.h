/* mpy-device-sidebar.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* The same bits as MpyCaptureFlags of the device layer (which a GUI-only build lacks). */
typedef enum {
  MPY_SIDEBAR_CAPTURE_PLAIN      = 0,
  MPY_SIDEBAR_CAPTURE_SOFT_RESET = 1 << 0,
  MPY_SIDEBAR_CAPTURE_GC         = 1 << 1,
} MpySidebarCaptureFlags;

#define MPY_TYPE_DEVICE_SIDEBAR (mpy_device_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (MpyDeviceSidebar, mpy_device_sidebar, MPY, DEVICE_SIDEBAR, GtkWidget)

/**
 * MpyDeviceSidebar:
 *
 * The board panel: live port list, a path entry for any tty, baud, connection state and
 * firmware banner, progress and Cancel while an operation runs, and "Run on board" with its
 * output. It owns the #MpyConnection; every operation runs on the connection's worker thread.
 *
 * Properties: "path" (string), "baud" (guint), "dtr", "rts" (guint, as MpyLineMode),
 * "busy" (gboolean, read-only).
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
/* Cancels the running operation, if any. */
void         mpy_device_sidebar_cancel         (MpyDeviceSidebar *self);

void         mpy_device_sidebar_capture_async  (MpyDeviceSidebar       *self,
                                                MpySidebarCaptureFlags  flags,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
MpySnapshot *mpy_device_sidebar_capture_finish (MpyDeviceSidebar  *self,
                                                GAsyncResult      *result,
                                                GError           **error);

/* Runs @code on the board; output and traceback go to the sidebar's output view. */
void         mpy_device_sidebar_run            (MpyDeviceSidebar *self,
                                                const char       *code);
/* The text of the output view, for tests. */
char        *mpy_device_sidebar_dup_output     (MpyDeviceSidebar *self);

G_END_DECLS
