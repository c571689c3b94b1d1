/* mpy-connection.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "mpy-connection-private.h"
#include "mpy-transport.h"

G_DEFINE_ENUM_TYPE (MpyLineMode, mpy_line_mode,
  G_DEFINE_ENUM_VALUE (MPY_LINE_DEFAULT, "default"),
  G_DEFINE_ENUM_VALUE (MPY_LINE_ON, "on"),
  G_DEFINE_ENUM_VALUE (MPY_LINE_OFF, "off"))

G_DEFINE_ENUM_TYPE (MpyRawPasteMode, mpy_raw_paste_mode,
  G_DEFINE_ENUM_VALUE (MPY_RAW_PASTE_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (MPY_RAW_PASTE_OFF, "off"))

G_DEFINE_ENUM_TYPE (MpyConnectionState, mpy_connection_state,
  G_DEFINE_ENUM_VALUE (MPY_CONNECTION_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (MPY_CONNECTION_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (MPY_CONNECTION_READY, "ready"),
  G_DEFINE_ENUM_VALUE (MPY_CONNECTION_BUSY, "busy"))


struct _MpyConnection
{
  GObject             parent_instance;

  char               *path;
  char               *password;
  guint               baud;
  MpyLineMode         dtr;
  MpyLineMode         rts;
  guint               connect_ms;
  guint               idle_ms;
  guint               exec_ms;
  MpyRawPasteMode     raw_paste;
  MpyConnectionState  state;
  char               *banner;
  const char         *transport;
  guint               n_ops;     /* submitted, not finished */

  GThreadPool        *pool;    /* one exclusive thread: the port's only user */
  Worker             *worker;  /* owned by the pool's thread, freed there on OP_QUIT */
};

G_DEFINE_FINAL_TYPE (MpyConnection, mpy_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_BAUD,
  PROP_DTR,
  PROP_RTS,
  PROP_STATE,
  PROP_BANNER,
  PROP_CONNECT_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_EXEC_TIMEOUT,
  PROP_TRANSPORT,
  PROP_RAW_PASTE,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  SIGNAL_EXEC_OUTPUT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
_mpy_connection_op_free (Op *op)
{
  g_clear_object (&op->task);
  g_free (op->code);
  g_free (op->path);
  g_free (op->password);
  g_free (op);
}

/* ---- results delivered to the caller's main context ---- */

/* Queues @func in @context. Never g_main_context_invoke(): when nobody holds the default
 * context at that moment it runs @func right here, on the worker (signals emitted on the
 * wrong thread, and a deadlock where the worker holds a lock @func takes). Sources of one
 * priority dispatch in the order queued, so these come before the task's own result. */
void
_mpy_connection_deliver (GMainContext   *context,
                         GSourceFunc     func,
                         gpointer        data,
                         GDestroyNotify  destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "mpy-connection delivery");
  g_source_attach (source, context);
}

static void
set_state (MpyConnection      *self,
           MpyConnectionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

gboolean
_mpy_connection_apply_update (gpointer data)
{
  Update *u = data;
  MpyConnection *self = u->self;

  if (u->is_progress)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, u->progress);
  else
    {
      g_assert (self->n_ops > 0);
      self->n_ops--;
      if (u->banner != NULL && g_strcmp0 (u->banner, self->banner) != 0)
        {
          g_free (self->banner);
          self->banner = g_strdup (u->banner);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BANNER]);
        }
      if (u->transport != self->transport)
        {
          self->transport = u->transport;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSPORT]);
        }
      set_state (self, self->n_ops > 0 ? MPY_CONNECTION_BUSY : u->state);
    }
  g_object_unref (u->self);
  g_free (u->banner);
  g_free (u);
  return G_SOURCE_REMOVE;
}

static void
submit (MpyConnection *self,
        Op            *op)
{
  op->path = g_strdup (self->path);
  op->password = g_strdup (self->password);
  op->baud = self->baud;
  op->dtr = self->dtr;
  op->rts = self->rts;
  op->connect_ms = self->connect_ms;
  op->idle_ms = self->idle_ms;
  op->exec_ms = self->exec_ms;
  op->raw_paste = self->raw_paste;

  self->n_ops++;
  set_state (self, self->state == MPY_CONNECTION_DISCONNECTED ? MPY_CONNECTION_CONNECTING
                                                              : MPY_CONNECTION_BUSY);
  g_thread_pool_push (self->pool, op, NULL);
}

/* ---- GObject ---- */

void
_mpy_connection_emit_exec_output (MpyConnection *self,
                                  const char    *text)
{
  g_signal_emit (self, signals[SIGNAL_EXEC_OUTPUT], 0, text);
}

static void
mpy_connection_finalize (GObject *object)
{
  MpyConnection *self = MPY_CONNECTION (object);
  Op *quit = g_new0 (Op, 1);
  /* The last reference may go on the worker itself (a task freed there): then the pool
   * finishes on its own after this operation; otherwise wait, so the port is closed
   * when we return. (Read before OP_QUIT is queued: it frees the worker.) */
  gboolean on_worker = g_atomic_pointer_get (&self->worker->thread) == (gpointer) g_thread_self ();

  quit->kind = OP_QUIT;
  g_thread_pool_push (self->pool, quit, NULL);
  g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, !on_worker);

  g_free (self->path);
  g_free (self->password);
  g_free (self->banner);

  G_OBJECT_CLASS (mpy_connection_parent_class)->finalize (object);
}

static void
mpy_connection_constructed (GObject *object)
{
  MpyConnection *self = MPY_CONNECTION (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (mpy_connection_parent_class)->constructed (object);

  self->worker = _mpy_connection_worker_new ();
  /* Exclusive: the thread is the pool's alone and lives as long as the connection. */
  self->pool = g_thread_pool_new (_mpy_connection_worker_run, self->worker, 1, TRUE, &error);
  if (self->pool == NULL)
    g_error ("Cannot start the connection's worker thread: %s", error->message);
}

static void
mpy_connection_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MpyConnection *self = MPY_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_BAUD: g_value_set_uint (value, self->baud); break;
    case PROP_DTR: g_value_set_enum (value, self->dtr); break;
    case PROP_RTS: g_value_set_enum (value, self->rts); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_BANNER: g_value_set_string (value, self->banner); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, self->connect_ms); break;
    case PROP_IDLE_TIMEOUT: g_value_set_uint (value, self->idle_ms); break;
    case PROP_EXEC_TIMEOUT: g_value_set_uint (value, self->exec_ms); break;
    case PROP_TRANSPORT: g_value_set_string (value, self->transport); break;
    case PROP_RAW_PASTE: g_value_set_enum (value, self->raw_paste); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_connection_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MpyConnection *self = MPY_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PATH: self->path = g_value_dup_string (value); break;
    case PROP_BAUD: mpy_connection_set_baud (self, g_value_get_uint (value)); break;
    case PROP_DTR: mpy_connection_set_lines (self, g_value_get_enum (value), self->rts); break;
    case PROP_RTS: mpy_connection_set_lines (self, self->dtr, g_value_get_enum (value)); break;
    case PROP_CONNECT_TIMEOUT: mpy_connection_set_connect_timeout (self, g_value_get_uint (value)); break;
    case PROP_IDLE_TIMEOUT: mpy_connection_set_idle_timeout (self, g_value_get_uint (value)); break;
    case PROP_EXEC_TIMEOUT: mpy_connection_set_exec_timeout (self, g_value_get_uint (value)); break;
    case PROP_RAW_PASTE: mpy_connection_set_raw_paste (self, g_value_get_enum (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_connection_class_init (MpyConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mpy_connection_constructed;
  object_class->finalize = mpy_connection_finalize;
  object_class->get_property = mpy_connection_get_property;
  object_class->set_property = mpy_connection_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BAUD] =
    g_param_spec_uint ("baud", NULL, NULL, 300, 4000000, 115200,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DTR] =
    g_param_spec_enum ("dtr", NULL, NULL, MPY_TYPE_LINE_MODE, MPY_LINE_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RTS] =
    g_param_spec_enum ("rts", NULL, NULL, MPY_TYPE_LINE_MODE, MPY_LINE_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MPY_TYPE_CONNECTION_STATE, MPY_CONNECTION_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BANNER] =
    g_param_spec_string ("banner", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 100, G_MAXUINT, 10000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 50, G_MAXUINT, 3000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXEC_TIMEOUT] =
    g_param_spec_uint ("exec-timeout", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRANSPORT] =
    g_param_spec_string ("transport", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RAW_PASTE] =
    g_param_spec_enum ("raw-paste", NULL, NULL, MPY_TYPE_RAW_PASTE_MODE, MPY_RAW_PASTE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MpyConnection::progress:
   * @received: bytes received so far in the running operation
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  /**
   * MpyConnection::exec-output:
   * @text: the next piece of the running exec's stdout, as the board sent it
   *
   * Emitted in the exec caller's main context while mpy_connection_exec_async() runs, before
   * its callback; pieces that arrive close together come as one.
   */
  signals[SIGNAL_EXEC_OUTPUT] =
    g_signal_new ("exec-output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mpy_connection_init (MpyConnection *self)
{
  self->baud = 115200;
  self->dtr = MPY_LINE_DEFAULT;
  self->rts = MPY_LINE_DEFAULT;
  self->connect_ms = 10000;
  self->idle_ms = 3000;
  self->state = MPY_CONNECTION_DISCONNECTED;
}

/**
 * mpy_connection_new:
 * @path: the port, e.g. /dev/ttyACM0 or any symlink to a tty
 *
 * Returns: (transfer full): a connection; the port opens on the first operation
 */
MpyConnection *
mpy_connection_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (MPY_TYPE_CONNECTION, "path", path, NULL);
}

const char *
mpy_connection_get_path (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), NULL);
  return self->path;
}

guint
mpy_connection_get_baud (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), 0);
  return self->baud;
}

/* Takes effect with the next operation (the port is reopened then). */
void
mpy_connection_set_baud (MpyConnection *self,
                         guint          baud)
{
  g_return_if_fail (MPY_IS_CONNECTION (self));

  if (self->baud == baud)
    return;
  self->baud = baud;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BAUD]);
}

void
mpy_connection_set_lines (MpyConnection *self,
                          MpyLineMode    dtr,
                          MpyLineMode    rts)
{
  g_return_if_fail (MPY_IS_CONNECTION (self));

  if (self->dtr != dtr)
    {
      self->dtr = dtr;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DTR]);
    }
  if (self->rts != rts)
    {
      self->rts = rts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RTS]);
    }
}

MpyConnectionState
mpy_connection_get_state (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), MPY_CONNECTION_DISCONNECTED);
  return self->state;
}

const char *
mpy_connection_get_banner (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), NULL);
  return self->banner;
}

guint
mpy_connection_get_connect_timeout (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), 0);
  return self->connect_ms;
}

void
mpy_connection_set_connect_timeout (MpyConnection *self,
                                    guint          ms)
{
  g_return_if_fail (MPY_IS_CONNECTION (self));

  if (self->connect_ms == ms)
    return;
  self->connect_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

guint
mpy_connection_get_idle_timeout (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), 0);
  return self->idle_ms;
}

void
mpy_connection_set_idle_timeout (MpyConnection *self,
                                 guint          ms)
{
  g_return_if_fail (MPY_IS_CONNECTION (self));

  if (self->idle_ms == ms)
    return;
  self->idle_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

guint
mpy_connection_get_exec_timeout (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), 0);
  return self->exec_ms;
}

/* Limits how long the user's statements may run (0, the default: no limit). */
void
mpy_connection_set_exec_timeout (MpyConnection *self,
                                 guint          ms)
{
  g_return_if_fail (MPY_IS_CONNECTION (self));

  if (self->exec_ms == ms)
    return;
  self->exec_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXEC_TIMEOUT]);
}

/**
 * mpy_connection_set_password:
 * @self: a #MpyConnection
 * @password: (nullable): the WebREPL password for a `ws://` address
 *
 * Used when the link is opened next; kept in memory only.
 */
void
mpy_connection_set_password (MpyConnection *self,
                             const char    *password)
{
  g_return_if_fail (MPY_IS_CONNECTION (self));

  g_free (self->password);
  self->password = g_strdup (password);
}

MpyRawPasteMode
mpy_connection_get_raw_paste (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), MPY_RAW_PASTE_AUTO);
  return self->raw_paste;
}

/* %MPY_RAW_PASTE_OFF keeps to plain raw mode on this board; %MPY_RAW_PASTE_AUTO (the
 * default) asks for raw-paste where the firmware quirk table allows it. */
void
mpy_connection_set_raw_paste (MpyConnection   *self,
                              MpyRawPasteMode  mode)
{
  g_return_if_fail (MPY_IS_CONNECTION (self));

  if (self->raw_paste == mode)
    return;
  self->raw_paste = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RAW_PASTE]);
}

const char *
mpy_connection_get_transport (MpyConnection *self)
{
  g_return_val_if_fail (MPY_IS_CONNECTION (self), NULL);
  return self->transport;
}

/**
 * mpy_connection_capture_async:
 * @self: a #MpyConnection
 * @flags: %MPY_CAPTURE_SOFT_RESET and/or %MPY_CAPTURE_GC, only when the user asked
 * @cancellable: (nullable): cancels at any point; the port stays usable
 * @callback: called in the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Interrupts the board, enters the raw REPL and runs `micropython.mem_info(1)`. A damaged
 * dump is retried once; if the retry is damaged too, the damaged snapshot is returned.
 */
void
mpy_connection_capture_async (MpyConnection       *self,
                              MpyCaptureFlags      flags,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Op *op;

  g_return_if_fail (MPY_IS_CONNECTION (self));

  op = g_new0 (Op, 1);
  op->kind = OP_CAPTURE;
  op->flags = flags;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, mpy_connection_capture_async);
  g_task_set_check_cancellable (op->task, FALSE);
  submit (self, op);
}

/**
 * mpy_connection_capture_finish:
 *
 * Returns: (transfer full): the snapshot with time, port, banner and flags filled in
 *   (check mpy_snapshot_is_damaged()), or %NULL with @error in %MPY_DEVICE_ERROR or
 *   %G_IO_ERROR_CANCELLED
 */
MpySnapshot *
mpy_connection_capture_finish (MpyConnection  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_connection_capture_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mpy_connection_exec_async:
 * @self: a #MpyConnection
 * @code: the user's statements (no bytes 0x01–0x05)
 * @cancellable: (nullable): cancels at any point; the board is interrupted on the next
 *   operation
 * @callback: called in the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Runs @code in the raw REPL, after the operations already queued. A traceback from the
 * board is a result here (see mpy_connection_exec_finish()), not an error. The code may
 * run silently for any time (see "exec-timeout"); its stdout comes as it arrives in the
 * "exec-output" signal, and a cancel interrupts it on the board.
 */
void
mpy_connection_exec_async (MpyConnection       *self,
                           const char          *code,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Op *op;

  g_return_if_fail (MPY_IS_CONNECTION (self));
  g_return_if_fail (code != NULL);

  op = g_new0 (Op, 1);
  op->kind = OP_EXEC;
  op->code = g_strdup (code);
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, mpy_connection_exec_async);
  g_task_set_check_cancellable (op->task, FALSE);
  submit (self, op);
}

/**
 * mpy_connection_listen_async:
 * @self: a connection
 * @cancellable: (nullable): ends the listening (the only way it ends but an error)
 * @callback: called in the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Opens the port if needed and reads what the board prints on its own (a running main.py
 * that logs), streamed in "exec-output" as it arrives, sending nothing at all (not even
 * Ctrl-C, and no goodbye when the port closes if nothing was ever sent on it).
 */
void
mpy_connection_listen_async (MpyConnection       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Op *op;

  g_return_if_fail (MPY_IS_CONNECTION (self));

  op = g_new0 (Op, 1);
  op->kind = OP_LISTEN;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, mpy_connection_listen_async);
  g_task_set_check_cancellable (op->task, FALSE);
  submit (self, op);
}

/* Returns: %FALSE with @error: %G_IO_ERROR_CANCELLED when it was cancelled. */
gboolean
mpy_connection_listen_finish (MpyConnection  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_connection_listen_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
mpy_connection_exec_finish (MpyConnection  *self,
                            GAsyncResult   *result,
                            char          **stdout_text,
                            char          **stderr_text,
                            GError        **error)
{
  ExecResult *r;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_connection_exec_async, FALSE);

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    {
      /* What the code printed before the cancel, timeout or disconnect. */
      if (stdout_text != NULL)
        *stdout_text = g_strdup (g_object_get_data (G_OBJECT (result), PARTIAL_OUTPUT_KEY));
      return FALSE;
    }
  if (stdout_text != NULL)
    *stdout_text = g_steal_pointer (&r->out);
  if (stderr_text != NULL)
    *stderr_text = g_steal_pointer (&r->err);
  _mpy_connection_exec_result_free (r);
  return TRUE;
}

/**
 * mpy_connection_close_async:
 * @self: a #MpyConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the caller's thread-default main context
 * @user_data: data for @callback
 *
 * After the operations already queued (cancel them first for a prompt close): `\r\x02`
 * back to the friendly REPL, RTS then DTR released, port closed. The next operation
 * opens it again.
 */
void
mpy_connection_close_async (MpyConnection       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Op *op;

  g_return_if_fail (MPY_IS_CONNECTION (self));

  op = g_new0 (Op, 1);
  op->kind = OP_CLOSE;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, mpy_connection_close_async);
  submit (self, op);
}

gboolean
mpy_connection_close_finish (MpyConnection  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
