/* mpy-board.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n-lib.h>

#include "mpy-board.h"

G_DEFINE_ENUM_TYPE (MpyBoardState, mpy_board_state,
  G_DEFINE_ENUM_VALUE (MPY_BOARD_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_READY, "ready"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_BUSY, "busy"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (MpyBoardCapture, mpy_board_capture,
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_PLAIN, "plain"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_GC, "gc"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_SOFT_RESET, "soft-reset"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_BEFORE_AFTER_GC, "before-after-gc"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_FIGURES, "figures"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_CAPTURE_FIGURES_GC, "figures-gc"))

G_DEFINE_ENUM_TYPE (MpyBoardOperation, mpy_board_operation,
  G_DEFINE_ENUM_VALUE (MPY_BOARD_OPERATION_NONE, "none"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_OPERATION_CAPTURE, "capture"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_OPERATION_EXEC, "exec"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_OPERATION_LISTEN, "listen"))

struct _MpyBoard
{
  GObject            parent_instance;

  char              *address;
  char              *password;       /* WebREPL password, memory only */
  guint              baud;
  MpyLineMode        dtr;
  MpyLineMode        rts;
  MpyRawPasteMode     raw_paste;
  guint              connect_ms;
  guint              idle_ms;

  MpyBoardState      state;
  GError            *error;
  MpyBoardOperation  operation;

  MpyConnection     *connection;     /* made on the first operation, for this address */
  GCancellable      *op_cancellable; /* set while an operation runs */
  guint              n_closing;      /* closes not finished: the port may still be open */
  GTask             *deferred;       /* the operation waiting for them */
};

G_DEFINE_FINAL_TYPE (MpyBoard, mpy_board, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_BAUD,
  PROP_DTR,
  PROP_RTS,
  PROP_RAW_PASTE,
  PROP_CONNECT_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_STATE,
  PROP_ERROR,
  PROP_BANNER,
  PROP_OPERATION,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  SIGNAL_EXEC_OUTPUT,
  SIGNAL_CAPTURED,
  SIGNAL_WATCH_SNAPSHOT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What one operation started with. */
typedef struct
{
  MpyConnection   *connection;  /* the one it runs on (the address may change meanwhile) */
  MpyBoardCapture  kind;
  GPtrArray       *snapshots;   /* captures: what came so far, kept even on a failure */
  char            *code;        /* exec: the statements */
  gboolean         listen;      /* listen: nothing sent */
  char            *out;         /* exec: stdout and traceback */
  char            *err;
} OpData;

static void
op_data_free (OpData *data)
{
  g_clear_object (&data->connection);
  g_clear_pointer (&data->snapshots, g_ptr_array_unref);
  g_free (data->code);
  g_free (data->out);
  g_free (data->err);
  g_free (data);
}

/* ---- state ---- */

static void
set_state (MpyBoard      *self,
           MpyBoardState  state,
           const GError  *error)
{
  gboolean banner_changed;
  gboolean was_connected = self->state == MPY_BOARD_READY || self->state == MPY_BOARD_BUSY;
  gboolean is_connected = state == MPY_BOARD_READY || state == MPY_BOARD_BUSY;

  g_object_freeze_notify (G_OBJECT (self));
  banner_changed = was_connected != is_connected;
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (error != self->error)
    {
      g_clear_error (&self->error);
      if (error != NULL)
        self->error = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  if (banner_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BANNER]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_operation (MpyBoard          *self,
               MpyBoardOperation  operation)
{
  gboolean was_busy = self->operation != MPY_BOARD_OPERATION_NONE;

  if (self->operation == operation)
    return;
  self->operation = operation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATION]);
  if (was_busy != (operation != MPY_BOARD_OPERATION_NONE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Errors after which the board is not known to answer: the port is gone, refused, or the
 * raw REPL was never reached. A traceback, a firmware without mem_info or a damaged dump
 * mean the board answered. An exec timeout on a board that answered is the user's code
 * running long, not a lost board; a capture that times out lost the board mid-reply. */
static gboolean
is_link_error (const GError *error,
               gboolean      exec)
{
  if (error->domain != MPY_DEVICE_ERROR)
    return TRUE;

  switch ((MpyDeviceError) error->code)
    {
    case MPY_DEVICE_ERROR_TRACEBACK:
    case MPY_DEVICE_ERROR_NO_MEM_INFO:
    case MPY_DEVICE_ERROR_DAMAGED:
      return FALSE;
    case MPY_DEVICE_ERROR_TIMEOUT:
      return !exec;
    case MPY_DEVICE_ERROR_NO_SUCH_PORT:
    case MPY_DEVICE_ERROR_PERMISSION:
    case MPY_DEVICE_ERROR_BUSY:
    case MPY_DEVICE_ERROR_NO_BANNER:
    case MPY_DEVICE_ERROR_DISCONNECTED:
    case MPY_DEVICE_ERROR_PROTOCOL:
    default:
      return TRUE;
    }
}

static void start_op (MpyBoard *self,
                      GTask    *task);

static void
close_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MpyBoard) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Closing a port that failed rarely succeeds in saying goodbye; nothing to tell the user. */
  if (!mpy_connection_close_finish (MPY_CONNECTION (object), result, &error))
    g_debug ("Closing the port: %s", error->message);

  /* The port is free now: an operation that waited for it starts. */
  g_assert (self->n_closing > 0);
  if (--self->n_closing == 0 && self->deferred != NULL)
    start_op (self, g_steal_pointer (&self->deferred));
}

/* Closes the port on @connection's own worker, after what it still has queued (cancelled).
 * Until that is done no other connection opens a port: the same board may be behind it. */
static void
close_connection (MpyBoard      *self,
                  MpyConnection *connection)
{
  self->n_closing++;
  mpy_connection_close_async (connection, NULL, close_done_cb, g_object_ref (self));
}

/* ---- connection ---- */

static void
progress_cb (MpyBoard      *self,
             guint64        bytes,
             MpyConnection *connection)
{
  if (connection == self->connection)
    g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, bytes);
}

static void
exec_output_cb (MpyBoard      *self,
                const char    *text,
                MpyConnection *connection)
{
  g_autofree char *valid = NULL;

  if (connection != self->connection)
    return;
  valid = g_utf8_make_valid (text, -1);
  g_signal_emit (self, signals[SIGNAL_EXEC_OUTPUT], 0, valid);
}

static void
banner_cb (MpyBoard      *self,
           GParamSpec    *pspec,
           MpyConnection *connection)
{
  if (connection == self->connection
      && (self->state == MPY_BOARD_READY || self->state == MPY_BOARD_BUSY))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BANNER]);
}

static void
drop_connection (MpyBoard *self)
{
  if (self->connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->connection, self);
  close_connection (self, self->connection);
  g_clear_object (&self->connection);
}

static MpyConnection *
ensure_connection (MpyBoard  *self,
                   GError   **error)
{
  if (self->address == NULL || *self->address == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No port chosen: pick a board in the list or type the path of its serial port."));
      return NULL;
    }

  if (self->connection == NULL)
    {
      self->connection = mpy_connection_new (self->address);
      g_signal_connect_object (self->connection, "progress", G_CALLBACK (progress_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->connection, "exec-output", G_CALLBACK (exec_output_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->connection, "notify::banner", G_CALLBACK (banner_cb),
                               self, G_CONNECT_SWAPPED);
    }

  /* Settings take effect with this operation (the connection reopens the port if needed). */
  mpy_connection_set_baud (self->connection, self->baud);
  mpy_connection_set_lines (self->connection, self->dtr, self->rts);
  mpy_connection_set_raw_paste (self->connection, self->raw_paste);
  mpy_connection_set_connect_timeout (self->connection, self->connect_ms);
  mpy_connection_set_idle_timeout (self->connection, self->idle_ms);
  mpy_connection_set_password (self->connection, self->password);
  return self->connection;
}

/* ---- operations ---- */

/* Starts an operation for @task, or returns it an error. */
static gboolean
begin_op (MpyBoard          *self,
          GTask             *task,
          MpyBoardOperation  operation,
          GCancellable      *cancellable,
          OpData            *data)
{
  g_autoptr(GError) error = NULL;
  MpyConnection *connection;

  if (self->operation != MPY_BOARD_OPERATION_NONE)
    {
      op_data_free (data);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("The board is still busy with the previous operation: wait for it or press Cancel."));
      return FALSE;
    }

  connection = ensure_connection (self, &error);
  if (connection == NULL)
    {
      op_data_free (data);
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }

  data->connection = g_object_ref (connection);
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);

  /* The caller's cancellable, when given, is the operation's: mpy_board_cancel() cancels it. */
  self->op_cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  g_object_freeze_notify (G_OBJECT (self));
  set_state (self, self->state == MPY_BOARD_READY ? MPY_BOARD_BUSY : MPY_BOARD_CONNECTING, NULL);
  set_operation (self, operation);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* After a failure the port is closed, so the next operation opens it afresh. */
static void
close_port (MpyBoard *self)
{
  close_connection (self, self->connection);
}

/* The operation of @task ended with @error (NULL: success). The state tells what is known of
 * the board now: a cancelled or failed connect never leaves it "ready". The connection's own
 * state is current here (its update is queued before the result) and is ready only when
 * the raw REPL answered on the open port. */
static void
end_op (MpyBoard     *self,
        GTask        *task,
        const GError *error)
{
  OpData *data = g_task_get_task_data (task);
  gboolean exec = self->operation == MPY_BOARD_OPERATION_EXEC;

  g_clear_object (&self->op_cancellable);
  g_object_freeze_notify (G_OBJECT (self));
  set_operation (self, MPY_BOARD_OPERATION_NONE);

  /* The address changed meanwhile: that already left the board disconnected. */
  if (data->connection == self->connection)
    {
      gboolean answered = mpy_connection_get_state (self->connection) == MPY_CONNECTION_READY;

      if (error == NULL)
        set_state (self, MPY_BOARD_READY, NULL);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (answered)
            set_state (self, MPY_BOARD_READY, NULL);
          else
            {
              close_port (self);
              set_state (self, MPY_BOARD_DISCONNECTED, NULL);
            }
        }
      else if (!answered || is_link_error (error, exec))
        {
          close_port (self);
          set_state (self, MPY_BOARD_FAILED, error);
        }
      else
        set_state (self, MPY_BOARD_READY, NULL);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void capture_step (MpyBoard *self,
                          GTask    *task);
static void listen_done_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);
static void exec_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
capture_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MpyBoard *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  MpySnapshot *snapshot;

  snapshot = mpy_connection_capture_finish (MPY_CONNECTION (object), result, &error);
  if (snapshot == NULL)
    {
      /* The first half of a before-and-after pair stays in data->snapshots: never lost. */
      end_op (self, task, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_add (data->snapshots, snapshot);
  g_signal_emit (self, signals[SIGNAL_CAPTURED], 0, snapshot);
  if (data->kind == MPY_BOARD_CAPTURE_BEFORE_AFTER_GC && data->snapshots->len == 1)
    {
      /* The board answered: the second half runs on a connected board. */
      if (data->connection == self->connection)
        set_state (self, MPY_BOARD_BUSY, NULL);
      capture_step (self, g_steal_pointer (&task));
      return;
    }

  end_op (self, task, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
capture_step (MpyBoard *self,
              GTask    *task)
{
  OpData *data = g_task_get_task_data (task);
  MpyCaptureFlags flags = MPY_CAPTURE_NONE;

  switch (data->kind)
    {
    case MPY_BOARD_CAPTURE_GC:
      flags = MPY_CAPTURE_GC;
      break;
    case MPY_BOARD_CAPTURE_SOFT_RESET:
      flags = MPY_CAPTURE_SOFT_RESET;
      break;
    case MPY_BOARD_CAPTURE_BEFORE_AFTER_GC:
      flags = data->snapshots->len == 0 ? MPY_CAPTURE_NONE : MPY_CAPTURE_GC;
      break;
    case MPY_BOARD_CAPTURE_FIGURES:
      flags = MPY_CAPTURE_FIGURES;
      break;
    case MPY_BOARD_CAPTURE_FIGURES_GC:
      flags = MPY_CAPTURE_FIGURES | MPY_CAPTURE_GC;
      break;
    case MPY_BOARD_CAPTURE_PLAIN:
    default:
      break;
    }

  mpy_connection_capture_async (data->connection, flags, self->op_cancellable,
                                capture_done_cb, task);
}

/* Sends the operation of @task to its connection, or, while a port is still closing, when
 * that is done. */
static void
start_op (MpyBoard *self,
          GTask    *task)
{
  OpData *data = g_task_get_task_data (task);

  if (self->n_closing > 0)
    {
      g_assert (self->deferred == NULL);
      self->deferred = task;
      return;
    }
  if (data->listen)
    mpy_connection_listen_async (data->connection, self->op_cancellable, listen_done_cb, task);
  else if (data->code != NULL)
    mpy_connection_exec_async (data->connection, data->code, self->op_cancellable,
                               exec_done_cb, task);
  else
    capture_step (self, task);
}

/**
 * mpy_board_capture_async:
 * @self: a #MpyBoard
 * @kind: what to do before (and around) the dump; a soft reset only when the user asked
 * @cancellable: (nullable): cancels the capture (as mpy_board_cancel() does)
 * @callback: called in the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Connects if needed and captures one dump (two for %MPY_BOARD_CAPTURE_BEFORE_AFTER_GC).
 * A damaged dump is retried once by the connection. Fails with %G_IO_ERROR_BUSY while
 * another operation runs.
 */
void
mpy_board_capture_async (MpyBoard            *self,
                         MpyBoardCapture      kind,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpData *data;

  g_return_if_fail (MPY_IS_BOARD (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_board_capture_async);
  /* The result (and a kept first half) arrives even after a cancel. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (OpData, 1);
  data->kind = kind;
  data->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  if (!begin_op (self, task, MPY_BOARD_OPERATION_CAPTURE, cancellable, data))
    return;
  start_op (self, g_steal_pointer (&task));
}

/**
 * mpy_board_capture_finish:
 * @self: a #MpyBoard
 * @result: the #GAsyncResult
 * @snapshots: (out) (optional) (transfer container): the snapshots captured, in order
 *   (for a before-and-after pair the first without and the second with
 *   %MPY_SNAPSHOT_FLAG_GC); set on failure too, to what was captured before it
 * @error: a #GError, %G_IO_ERROR_CANCELLED after a cancel
 *
 * Returns: %TRUE when every dump of the capture arrived
 */
gboolean
mpy_board_capture_finish (MpyBoard      *self,
                          GAsyncResult  *result,
                          GPtrArray    **snapshots,
                          GError       **error)
{
  OpData *data;

  g_return_val_if_fail (MPY_IS_BOARD (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_board_capture_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (snapshots != NULL)
    *snapshots = data != NULL ? g_ptr_array_ref (data->snapshots)
                              : g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
exec_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MpyBoard *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!mpy_connection_exec_finish (MPY_CONNECTION (object), result, &data->out, &data->err, &error))
    {
      end_op (self, task, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  end_op (self, task, NULL);
  g_task_return_boolean (task, TRUE);
}

/**
 * mpy_board_exec_async:
 * @self: a #MpyBoard
 * @code: the user's statements (no bytes 0x01–0x05)
 * @cancellable: (nullable): cancels (and interrupts) the statements
 * @callback: called in the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Runs the user's @code on the board; its stdout comes in "exec-output" as it arrives.
 * A traceback is a result (see mpy_board_exec_finish()), not an error.
 */
void
mpy_board_exec_async (MpyBoard            *self,
                      const char          *code,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpData *data;

  g_return_if_fail (MPY_IS_BOARD (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_board_exec_async);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (OpData, 1);
  data->code = g_strdup (code);
  if (!begin_op (self, task, MPY_BOARD_OPERATION_EXEC, cancellable, data))
    return;
  start_op (self, g_steal_pointer (&task));
}

/**
 * mpy_board_exec_finish:
 * @self: a #MpyBoard
 * @result: the #GAsyncResult
 * @stdout_text: (out) (optional): everything the code printed (on failure: before it)
 * @stderr_text: (out) (optional): the traceback, "" when none (on failure: %NULL)
 * @error: a #GError
 *
 * Returns: %TRUE when the code ran to its end (with or without a traceback)
 */
gboolean
mpy_board_exec_finish (MpyBoard      *self,
                       GAsyncResult  *result,
                       char         **stdout_text,
                       char         **stderr_text,
                       GError       **error)
{
  OpData *data;

  g_return_val_if_fail (MPY_IS_BOARD (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_board_exec_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (stdout_text != NULL)
    *stdout_text = data != NULL ? g_steal_pointer (&data->out) : NULL;
  if (stderr_text != NULL)
    *stderr_text = data != NULL ? g_steal_pointer (&data->err) : NULL;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
listen_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MpyBoard *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  mpy_connection_listen_finish (MPY_CONNECTION (object), result, &error);
  end_op (self, task, error);
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * mpy_board_listen_async:
 * @self: a #MpyBoard
 * @cancellable: (nullable): ends the listening (as mpy_board_cancel() does)
 * @callback: called in the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Connects if needed and reads what the board prints on its own (a running main.py that
 * logs), in "exec-output" as it arrives, sending nothing: not even Ctrl-C, and no goodbye
 * when the port closes. Fails with %G_IO_ERROR_BUSY while another operation runs.
 */
void
mpy_board_listen_async (MpyBoard            *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpData *data;

  g_return_if_fail (MPY_IS_BOARD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_board_listen_async);
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (OpData, 1);
  data->listen = TRUE;
  if (!begin_op (self, task, MPY_BOARD_OPERATION_LISTEN, cancellable, data))
    return;
  start_op (self, g_steal_pointer (&task));
}

/**
 * mpy_board_listen_finish:
 * @self: a #MpyBoard
 * @result: the #GAsyncResult
 * @error: a #GError: %G_IO_ERROR_CANCELLED when it ended by a cancel
 *
 * Returns: %FALSE always (listening ends by a cancel or a failure)
 */
gboolean
mpy_board_listen_finish (MpyBoard      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_board_listen_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mpy_board_cancel:
 * @self: a #MpyBoard
 *
 * Cancels the running operation, if any; its callback still comes, with
 * %G_IO_ERROR_CANCELLED.
 */
void
mpy_board_cancel (MpyBoard *self)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->op_cancellable != NULL)
    g_cancellable_cancel (self->op_cancellable);
}

void
mpy_board_disconnect (MpyBoard *self)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  mpy_board_cancel (self);
  drop_connection (self);
  set_state (self, MPY_BOARD_DISCONNECTED, NULL);
}

/* ---- GObject ---- */

static void
mpy_board_dispose (GObject *object)
{
  MpyBoard *self = MPY_BOARD (object);

  mpy_board_cancel (self);
  drop_connection (self);

  G_OBJECT_CLASS (mpy_board_parent_class)->dispose (object);
}

static void
mpy_board_finalize (GObject *object)
{
  MpyBoard *self = MPY_BOARD (object);

  g_clear_object (&self->op_cancellable);
  g_clear_error (&self->error);
  g_free (self->address);
  g_free (self->password);

  G_OBJECT_CLASS (mpy_board_parent_class)->finalize (object);
}

static void
mpy_board_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MpyBoard *self = MPY_BOARD (object);

  switch (prop_id)
    {
    case PROP_ADDRESS: g_value_set_string (value, self->address); break;
    case PROP_BAUD: g_value_set_uint (value, self->baud); break;
    case PROP_DTR: g_value_set_enum (value, self->dtr); break;
    case PROP_RTS: g_value_set_enum (value, self->rts); break;
    case PROP_RAW_PASTE: g_value_set_enum (value, self->raw_paste); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, self->connect_ms); break;
    case PROP_IDLE_TIMEOUT: g_value_set_uint (value, self->idle_ms); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ERROR: g_value_set_boxed (value, self->error); break;
    case PROP_BANNER: g_value_set_string (value, mpy_board_get_banner (self)); break;
    case PROP_OPERATION: g_value_set_enum (value, self->operation); break;
    case PROP_BUSY: g_value_set_boolean (value, mpy_board_get_busy (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_board_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  MpyBoard *self = MPY_BOARD (object);

  switch (prop_id)
    {
    case PROP_ADDRESS: mpy_board_set_address (self, g_value_get_string (value)); break;
    case PROP_BAUD: mpy_board_set_baud (self, g_value_get_uint (value)); break;
    case PROP_DTR: mpy_board_set_lines (self, g_value_get_enum (value), self->rts); break;
    case PROP_RTS: mpy_board_set_lines (self, self->dtr, g_value_get_enum (value)); break;
    case PROP_RAW_PASTE: mpy_board_set_raw_paste (self, g_value_get_enum (value)); break;
    case PROP_CONNECT_TIMEOUT: mpy_board_set_connect_timeout (self, g_value_get_uint (value)); break;
    case PROP_IDLE_TIMEOUT: mpy_board_set_idle_timeout (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_board_class_init (MpyBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mpy_board_dispose;
  object_class->finalize = mpy_board_finalize;
  object_class->get_property = mpy_board_get_property;
  object_class->set_property = mpy_board_set_property;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BAUD] =
    g_param_spec_uint ("baud", NULL, NULL, 300, 4000000, 115200,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DTR] =
    g_param_spec_enum ("dtr", NULL, NULL, MPY_TYPE_LINE_MODE, MPY_LINE_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RTS] =
    g_param_spec_enum ("rts", NULL, NULL, MPY_TYPE_LINE_MODE, MPY_LINE_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RAW_PASTE] =
    g_param_spec_enum ("raw-paste", NULL, NULL, MPY_TYPE_RAW_PASTE_MODE, MPY_RAW_PASTE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 100, G_MAXUINT, 10000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 50, G_MAXUINT, 3000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MPY_TYPE_BOARD_STATE, MPY_BOARD_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BANNER] =
    g_param_spec_string ("banner", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPERATION] =
    g_param_spec_enum ("operation", NULL, NULL, MPY_TYPE_BOARD_OPERATION, MPY_BOARD_OPERATION_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MpyBoard::progress:
   * @received: bytes received so far in the running operation
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  /**
   * MpyBoard::exec-output:
   * @text: the next piece of the running exec's stdout (valid UTF-8)
   */
  signals[SIGNAL_EXEC_OUTPUT] =
    g_signal_new ("exec-output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * MpyBoard::captured:
   * @snapshot: a dump that just arrived (each of a pair), before the capture's callback
   */
  signals[SIGNAL_CAPTURED] =
    g_signal_new ("captured", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  MPY_TYPE_SNAPSHOT | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* Emitted by mpy_board_watch_async() (mpy-board-watch.c) for each snapshot. */
  signals[SIGNAL_WATCH_SNAPSHOT] =
    g_signal_new ("watch-snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  MPY_TYPE_SNAPSHOT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
mpy_board_init (MpyBoard *self)
{
  self->baud = 115200;
  self->dtr = MPY_LINE_DEFAULT;
  self->rts = MPY_LINE_DEFAULT;
  self->connect_ms = 10000;
  self->idle_ms = 3000;
}

/**
 * mpy_board_new:
 * @address: (nullable): the board's address (a device path), or %NULL to choose later
 *
 * Returns: (transfer full): a board, disconnected; the first operation connects
 */
MpyBoard *
mpy_board_new (const char *address)
{
  return g_object_new (MPY_TYPE_BOARD, "address", address, NULL);
}

const char *
mpy_board_get_address (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), NULL);
  return self->address;
}

/* A new address is a new board: the old connection is cancelled and closed. */
void
mpy_board_set_address (MpyBoard   *self,
                       const char *address)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (g_strcmp0 (self->address, address) == 0)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  mpy_board_disconnect (self);
  g_free (self->address);
  self->address = g_strdup (address);
  /* one board's password is never sent to another */
  g_clear_pointer (&self->password, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
  g_object_thaw_notify (G_OBJECT (self));
}

guint
mpy_board_get_baud (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), 0);
  return self->baud;
}

/* Takes effect with the next operation. */
void
mpy_board_set_baud (MpyBoard *self,
                    guint     baud)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->baud == baud)
    return;
  self->baud = baud;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BAUD]);
}

MpyLineMode
mpy_board_get_dtr (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_LINE_DEFAULT);
  return self->dtr;
}

MpyLineMode
mpy_board_get_rts (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_LINE_DEFAULT);
  return self->rts;
}

void
mpy_board_set_lines (MpyBoard    *self,
                     MpyLineMode  dtr,
                     MpyLineMode  rts)
{
  g_return_if_fail (MPY_IS_BOARD (self));

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

MpyRawPasteMode
mpy_board_get_raw_paste (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_RAW_PASTE_AUTO);
  return self->raw_paste;
}

/* Takes effect with the next operation. */
void
mpy_board_set_raw_paste (MpyBoard        *self,
                         MpyRawPasteMode  mode)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->raw_paste == mode)
    return;
  self->raw_paste = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RAW_PASTE]);
}

guint
mpy_board_get_connect_timeout (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), 0);
  return self->connect_ms;
}

void
mpy_board_set_connect_timeout (MpyBoard *self,
                               guint     ms)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->connect_ms == ms)
    return;
  self->connect_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

guint
mpy_board_get_idle_timeout (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), 0);
  return self->idle_ms;
}

void
mpy_board_set_idle_timeout (MpyBoard *self,
                            guint     ms)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  if (self->idle_ms == ms)
    return;
  self->idle_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

/**
 * mpy_board_set_password:
 * @self: a #MpyBoard
 * @password: (nullable): the WebREPL password of a `ws://` address
 *
 * Used from the next operation on; kept in memory only.
 */
void
mpy_board_set_password (MpyBoard   *self,
                        const char *password)
{
  g_return_if_fail (MPY_IS_BOARD (self));

  g_free (self->password);
  self->password = g_strdup (password);
}

gboolean
mpy_board_has_password (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), FALSE);
  return self->password != NULL && *self->password != '\0';
}

MpyBoardState
mpy_board_get_state (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_BOARD_DISCONNECTED);
  return self->state;
}

/**
 * mpy_board_get_error:
 *
 * Returns: (nullable): why the board was lost, while the state is %MPY_BOARD_FAILED
 */
const GError *
mpy_board_get_error (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), NULL);
  return self->error;
}

/**
 * mpy_board_get_banner:
 *
 * Returns: (nullable): the firmware banner of the board we talk to (ready or busy only)
 */
const char *
mpy_board_get_banner (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), NULL);

  if (self->connection == NULL
      || (self->state != MPY_BOARD_READY && self->state != MPY_BOARD_BUSY))
    return NULL;
  return mpy_connection_get_banner (self->connection);
}

MpyBoardOperation
mpy_board_get_operation (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), MPY_BOARD_OPERATION_NONE);
  return self->operation;
}

gboolean
mpy_board_get_busy (MpyBoard *self)
{
  g_return_val_if_fail (MPY_IS_BOARD (self), FALSE);
  return self->operation != MPY_BOARD_OPERATION_NONE;
}
