/* mpy-connection.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mpy-device-error.h"
#include "mpy-raw-repl-quirks.h"
#include "mpy-snapshot.h"
#include "mpy-transport.h"

G_BEGIN_DECLS

typedef enum {
  MPY_CAPTURE_NONE       = 0,
  MPY_CAPTURE_SOFT_RESET = 1 << 0,  /* only ever when the user asks: it wipes the heap */
  MPY_CAPTURE_GC         = 1 << 1,  /* gc.collect() first */
  MPY_CAPTURE_FIGURES    = 1 << 2,  /* mem_info() without argument: the figures, no map */
} MpyCaptureFlags;

typedef enum {
  MPY_CONNECTION_DISCONNECTED,
  MPY_CONNECTION_CONNECTING,
  MPY_CONNECTION_READY,
  MPY_CONNECTION_BUSY,
} MpyConnectionState;

GType mpy_line_mode_get_type (void);
#define MPY_TYPE_LINE_MODE (mpy_line_mode_get_type ())
GType mpy_connection_state_get_type (void);
#define MPY_TYPE_RAW_PASTE_MODE (mpy_raw_paste_mode_get_type ())
GType mpy_raw_paste_mode_get_type (void);
#define MPY_TYPE_CONNECTION_STATE (mpy_connection_state_get_type ())

#define MPY_TYPE_CONNECTION (mpy_connection_get_type ())
G_DECLARE_FINAL_TYPE (MpyConnection, mpy_connection, MPY, CONNECTION, GObject)

/**
 * MpyConnection:
 *
 * One board on one port. All port I/O runs on a worker thread, one operation at a time;
 * the port is opened on the first operation and held open until mpy_connection_close_async()
 * or the last reference goes. Results and the "progress" signal
 * (guint64 bytes received so far) arrive in the thread-default main context of the caller.
 *
 * Properties: "path" (construct-only: a device path or a network address, see
 * mpy_address_parse()), "baud" (default 115200), "dtr", "rts" (MpyLineMode),
 * "state" (MpyConnectionState, read-only), "banner" (firmware banner once known, read-only),
 * "connect-timeout" (ms to reach the raw REPL, default 10000),
 * "idle-timeout" (ms of silence tolerated while a capture's reply streams, default 3000),
 * "exec-timeout" (ms the user's statements may run, default 0: no limit),
 * "transport" (read-only: the kind of transport once open, NULL before),
 * "raw-paste" (MpyRawPasteMode, default auto).
 * The "exec-output" signal (const char *text) streams an exec's stdout as it arrives.
 */
MpyConnection     *mpy_connection_new              (const char *path);
const char        *mpy_connection_get_path         (MpyConnection *self);
guint              mpy_connection_get_baud         (MpyConnection *self);
void               mpy_connection_set_baud         (MpyConnection *self, guint baud);
void               mpy_connection_set_lines        (MpyConnection *self, MpyLineMode dtr, MpyLineMode rts);
MpyConnectionState mpy_connection_get_state        (MpyConnection *self);
const char        *mpy_connection_get_banner       (MpyConnection *self);
guint              mpy_connection_get_connect_timeout (MpyConnection *self);
void               mpy_connection_set_connect_timeout (MpyConnection *self, guint ms);
guint              mpy_connection_get_idle_timeout (MpyConnection *self);
void               mpy_connection_set_idle_timeout (MpyConnection *self, guint ms);
guint              mpy_connection_get_exec_timeout (MpyConnection *self);
void               mpy_connection_set_exec_timeout (MpyConnection *self, guint ms);
MpyRawPasteMode    mpy_connection_get_raw_paste    (MpyConnection *self);
void               mpy_connection_set_raw_paste    (MpyConnection *self, MpyRawPasteMode mode);
/* The WebREPL password for a ws:// address (kept in memory only). */
void               mpy_connection_set_password     (MpyConnection *self, const char *password);
/* "libserialport", "termios", "socket", "rfc2217" or "webrepl": which transport opened the
 * port (NULL until open). */
const char        *mpy_connection_get_transport    (MpyConnection *self);

void               mpy_connection_capture_async    (MpyConnection       *self,
                                                    MpyCaptureFlags      flags,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
MpySnapshot       *mpy_connection_capture_finish   (MpyConnection  *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

/* Runs the user's statements. On success *stdout_text and *stderr_text (the traceback, empty
 * when none) are set; a traceback is not a GError here. On failure (cancel, exec timeout,
 * disconnect) *stdout_text is set to the output received before it (maybe NULL) and
 * *stderr_text is left alone. */
void               mpy_connection_exec_async       (MpyConnection       *self,
                                                    const char          *code,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           mpy_connection_exec_finish      (MpyConnection  *self,
                                                    GAsyncResult   *result,
                                                    char          **stdout_text,
                                                    char          **stderr_text,
                                                    GError        **error);

/* Reads what the board prints on its own into "exec-output" until cancelled; sends nothing. */
void               mpy_connection_listen_async     (MpyConnection       *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           mpy_connection_listen_finish    (MpyConnection  *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

/* Back to the friendly REPL, lines released, port closed. */
void               mpy_connection_close_async      (MpyConnection       *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           mpy_connection_close_finish     (MpyConnection  *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

G_END_DECLS
