/* mpy-board.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "mpy-connection.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

typedef enum {
  MPY_BOARD_DISCONNECTED, /* no port open (never connected, closed, or a connect cancelled) */
  MPY_BOARD_CONNECTING,   /* an operation is opening the port and reaching the raw REPL */
  MPY_BOARD_READY,        /* the last operation reached the raw REPL: the board answers */
  MPY_BOARD_BUSY,         /* an operation runs on a board that answered before */
  MPY_BOARD_FAILED,       /* the last connect or operation lost the board: see "error" */
} MpyBoardState;

/* What a capture does before (and around) the dump. */
typedef enum {
  MPY_BOARD_CAPTURE_PLAIN,
  MPY_BOARD_CAPTURE_GC,              /* gc.collect() first */
  MPY_BOARD_CAPTURE_SOFT_RESET,      /* soft reset first: wipes the heap, only when asked */
  MPY_BOARD_CAPTURE_BEFORE_AFTER_GC, /* a dump, gc.collect(), a second dump */
  MPY_BOARD_CAPTURE_FIGURES,         /* mem_info() without argument: figures, no map */
  MPY_BOARD_CAPTURE_FIGURES_GC,      /* gc.collect(), then the figures */
} MpyBoardCapture;

/* Which operation runs (MPY_BOARD_OPERATION_NONE when idle). */
typedef enum {
  MPY_BOARD_OPERATION_NONE,
  MPY_BOARD_OPERATION_CAPTURE,
  MPY_BOARD_OPERATION_EXEC,
  MPY_BOARD_OPERATION_LISTEN,  /* reading what the board prints on its own, sending nothing */
} MpyBoardOperation;

GType mpy_board_state_get_type (void);
#define MPY_TYPE_BOARD_STATE (mpy_board_state_get_type ())
GType mpy_board_capture_get_type (void);
#define MPY_TYPE_BOARD_CAPTURE (mpy_board_capture_get_type ())
GType mpy_board_operation_get_type (void);
#define MPY_TYPE_BOARD_OPERATION (mpy_board_operation_get_type ())

#define MPY_TYPE_BOARD (mpy_board_get_type ())
G_DECLARE_FINAL_TYPE (MpyBoard, mpy_board, MPY, BOARD, GObject)

/**
 * MpyBoard:
 *
 * One board by its address (a device path today): the connection to it, the sequencing of
 * captures and of the user's statements, and the truth about its state. Not a widget: the
 * device sidebar shows and drives it, the window asks it for captures.
 *
 * One operation at a time; mpy_board_cancel() cancels the running one. The connection is
 * made on the first operation and replaced when the address changes.
 *
 * Properties: "address" (string; changing it drops the connection), "baud", "dtr", "rts"
 * (MpyLineMode), "connect-timeout", "idle-timeout" (ms, as #MpyConnection),
 * "state" (#MpyBoardState), "error" (the #GError of the failure, with state
 * %MPY_BOARD_FAILED, else %NULL), "banner" (the firmware banner while connected),
 * "operation" (#MpyBoardOperation) and "busy" (an operation runs), all read-only but the
 * first six.
 * Signals: "progress" (guint64 bytes received by the running operation), "exec-output"
 * (const char *, the next piece of a running exec's stdout, valid UTF-8), "captured"
 * (MpySnapshot *, each dump as it arrives), "watch-snapshot" (MpySnapshot *, each snapshot
 * of a running watch the moment it is complete: see mpy-board-watch.h).
 */
MpyBoard          *mpy_board_new                 (const char *address);

const char        *mpy_board_get_address         (MpyBoard   *self);
void               mpy_board_set_address         (MpyBoard   *self,
                                                  const char *address);
guint              mpy_board_get_baud            (MpyBoard   *self);
void               mpy_board_set_baud            (MpyBoard   *self,
                                                  guint       baud);
MpyLineMode        mpy_board_get_dtr             (MpyBoard   *self);
MpyLineMode        mpy_board_get_rts             (MpyBoard   *self);
/* Raw-paste for this board: auto (the default) or off (plain raw mode only). */
MpyRawPasteMode    mpy_board_get_raw_paste       (MpyBoard   *self);
void               mpy_board_set_raw_paste       (MpyBoard   *self,
                                                  MpyRawPasteMode mode);
void               mpy_board_set_lines           (MpyBoard   *self,
                                                  MpyLineMode dtr,
                                                  MpyLineMode rts);
guint              mpy_board_get_connect_timeout (MpyBoard   *self);
void               mpy_board_set_connect_timeout (MpyBoard   *self,
                                                  guint       ms);
guint              mpy_board_get_idle_timeout    (MpyBoard   *self);
void               mpy_board_set_idle_timeout    (MpyBoard   *self,
                                                  guint       ms);

/* The WebREPL password of a ws:// address, memory only. */
void               mpy_board_set_password        (MpyBoard   *self,
                                                  const char *password);
gboolean           mpy_board_has_password        (MpyBoard   *self);

MpyBoardState      mpy_board_get_state           (MpyBoard   *self);
const GError      *mpy_board_get_error           (MpyBoard   *self);
const char        *mpy_board_get_banner          (MpyBoard   *self);
MpyBoardOperation  mpy_board_get_operation       (MpyBoard   *self);
gboolean           mpy_board_get_busy            (MpyBoard   *self);

void               mpy_board_cancel              (MpyBoard   *self);

void               mpy_board_capture_async       (MpyBoard            *self,
                                                  MpyBoardCapture      kind,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           mpy_board_capture_finish      (MpyBoard      *self,
                                                  GAsyncResult  *result,
                                                  GPtrArray    **snapshots,
                                                  GError       **error);

void               mpy_board_exec_async          (MpyBoard            *self,
                                                  const char          *code,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           mpy_board_exec_finish         (MpyBoard      *self,
                                                  GAsyncResult  *result,
                                                  char         **stdout_text,
                                                  char         **stderr_text,
                                                  GError       **error);

/* Reads what the board prints on its own (streamed in "exec-output") until cancelled,
 * sending nothing at all; finishes with %G_IO_ERROR_CANCELLED after the cancel. */
void               mpy_board_listen_async        (MpyBoard            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           mpy_board_listen_finish       (MpyBoard      *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);

/* Hands the board back to the friendly REPL and closes the port; state disconnected. */
void               mpy_board_disconnect          (MpyBoard   *self);

G_END_DECLS
