/* mpy-board-ops.c — MpyBoard's operations: capture and exec sequencing, and what their
 * outcome says about the board's state
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n-lib.h>

#include "mpy-board-private.h"

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
void
_mpy_board_close_connection (MpyBoard      *self,
                             MpyConnection *connection)
{
  self->n_closing++;
  mpy_connection_close_async (connection, NULL, close_done_cb, g_object_ref (self));
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

  connection = _mpy_board_ensure_connection (self, &error);
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
  _mpy_board_set_state (self, self->state == MPY_BOARD_READY ? MPY_BOARD_BUSY : MPY_BOARD_CONNECTING, NULL);
  _mpy_board_set_operation (self, operation);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* After a failure the port is closed, so the next operation opens it afresh. */
static void
close_port (MpyBoard *self)
{
  _mpy_board_close_connection (self, self->connection);
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
  _mpy_board_set_operation (self, MPY_BOARD_OPERATION_NONE);

  /* The address changed meanwhile: that already left the board disconnected. */
  if (data->connection == self->connection)
    {
      gboolean answered = mpy_connection_get_state (self->connection) == MPY_CONNECTION_READY;

      if (error == NULL)
        _mpy_board_set_state (self, MPY_BOARD_READY, NULL);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (answered)
            _mpy_board_set_state (self, MPY_BOARD_READY, NULL);
          else
            {
              close_port (self);
              _mpy_board_set_state (self, MPY_BOARD_DISCONNECTED, NULL);
            }
        }
      else if (!answered || is_link_error (error, exec))
        {
          close_port (self);
          _mpy_board_set_state (self, MPY_BOARD_FAILED, error);
        }
      else
        _mpy_board_set_state (self, MPY_BOARD_READY, NULL);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void capture_step (MpyBoard *self,
                          GTask    *task);
static void exec_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);
static void listen_done_cb (GObject      *object,
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
  _mpy_board_emit_captured (self, snapshot);
  if (data->kind == MPY_BOARD_CAPTURE_BEFORE_AFTER_GC && data->snapshots->len == 1)
    {
      /* The board answered: the second half runs on a connected board. */
      if (data->connection == self->connection)
        _mpy_board_set_state (self, MPY_BOARD_BUSY, NULL);
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
  _mpy_board_drop_connection (self);
  _mpy_board_set_state (self, MPY_BOARD_DISCONNECTED, NULL);
}
