/* mpy-connection-private.h — what the connection's object and its worker share
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-connection.h"
#include "mpy-raw-repl.h"

G_BEGIN_DECLS

typedef enum {
  OP_CAPTURE,
  OP_EXEC,
  OP_LISTEN,
  OP_CLOSE,
  OP_QUIT,
} OpKind;

typedef struct
{
  OpKind           kind;
  GTask           *task;      /* NULL for OP_QUIT */
  MpyCaptureFlags  flags;
  char            *code;
  /* settings copied at submission, so the worker never reads the GObject */
  char            *path;
  guint            baud;
  MpyLineMode      dtr;
  MpyLineMode      rts;
  guint            connect_ms;
  guint            idle_ms;
  guint            exec_ms;
  MpyRawPasteMode  raw_paste;
  char            *password;
} Op;

/* Everything the worker thread owns. Freed by the worker when it quits. */
typedef struct
{
  GThread      *thread;   /* the pool's one thread, once it ran an operation (atomic) */
  MpyRawRepl   *repl;
  /* the settings the port is open with */
  guint         baud;
  MpyLineMode   dtr;
  MpyLineMode   rts;
} Worker;


typedef struct
{
  MpyConnection      *self;
  MpyConnectionState  state;
  char               *banner;
  const char         *transport;
  guint64             progress;
  gboolean            is_progress;
} Update;

/* The stdout received before a failed exec, kept on the task for mpy_connection_exec_finish(). */
#define PARTIAL_OUTPUT_KEY "mpy-partial-output"

typedef struct
{
  char *out;
  char *err;
} ExecResult;

void      _mpy_connection_exec_result_free (ExecResult *r);
void      _mpy_connection_op_free          (Op         *op);

/* Main-context side (mpy-connection.c). */
void      _mpy_connection_deliver          (GMainContext   *context,
                                            GSourceFunc     func,
                                            gpointer        data,
                                            GDestroyNotify  destroy);
gboolean  _mpy_connection_apply_update     (gpointer        data);
void      _mpy_connection_emit_exec_output (MpyConnection  *self,
                                            const char     *text);

/* Worker side (mpy-connection-worker.c): the GThreadPool's function, one operation. */
Worker   *_mpy_connection_worker_new       (void);
void      _mpy_connection_worker_run       (gpointer        op,
                                            gpointer        worker);

G_END_DECLS
