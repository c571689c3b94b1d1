/* mpy-connection-worker.c — the connection's worker: every operation on the port
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the one thread of the connection's GThreadPool. Results, progress and exec output
 * go back to the caller's main context through _mpy_connection_deliver().
 */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mpy-connection-private.h"
#include "mpy-dump-reader.h"
#include "mpy-transport.h"

/* Runs in the worker before the task returns, so state, banner and transport are up to
 * date when the caller's callback runs (same context, same priority, queued first). */
static void
post_update (Worker *worker,
             GTask  *task)
{
  MpyConnection *self = g_task_get_source_object (task);
  Update *u = g_new0 (Update, 1);

  u->self = g_object_ref (self);
  if (worker->repl != NULL)
    {
      /* Ready only once the raw REPL answered on this port: an open port whose board never
       * showed the banner (silent, cancelled while connecting) is not a connection. */
      u->banner = g_strdup (mpy_raw_repl_get_banner (worker->repl));
      u->state = u->banner != NULL ? MPY_CONNECTION_READY : MPY_CONNECTION_DISCONNECTED;
      u->transport = mpy_transport_get_kind (mpy_raw_repl_get_transport (worker->repl));
    }
  else
    u->state = MPY_CONNECTION_DISCONNECTED;
  _mpy_connection_deliver (g_task_get_context (task), _mpy_connection_apply_update, u, NULL);
}

typedef struct
{
  GTask    *task;
  gint64    last;
  guint64   latest;
  guint64   emitted;
} ProgressState;

static void
emit_progress (ProgressState *ps,
               guint64        received)
{
  Update *u;

  ps->emitted = received;
  u = g_new0 (Update, 1);
  u->self = g_object_ref (g_task_get_source_object (ps->task));
  u->is_progress = TRUE;
  u->progress = received;
  _mpy_connection_deliver (g_task_get_context (ps->task), _mpy_connection_apply_update, u, NULL);
}

static void
on_progress (guint64  received,
             gpointer user_data)
{
  ProgressState *ps = user_data;
  gint64 now = g_get_monotonic_time ();

  /* At most one signal per 20 ms: a large dump must not flood the main loop. The last
   * count is sent when the operation ends. */
  ps->latest = received;
  if (now - ps->last < 20000)
    return;
  ps->last = now;
  emit_progress (ps, received);
}

static void
flush_progress (ProgressState *ps)
{
  if (ps->latest > ps->emitted)
    emit_progress (ps, ps->latest);
}

/* ---- exec output, streamed to the caller's main context ---- */

/* Shared by the worker (which appends) and the caller's context (which emits). Pieces that
 * arrive while an emission is pending join it: a chatty program cannot flood the main loop. */
typedef struct
{
  GMutex          lock;
  GString        *pending;   /* appended by the worker, not emitted yet */
  gboolean        scheduled;
  gboolean        closed;    /* the exec ended: emit everything, hold nothing back */
  MpyConnection  *self;
  GMainContext   *context;
  GString        *carry;     /* caller's context only: an incomplete UTF-8 character */
} OutputStream;

static void
output_stream_clear (gpointer data)
{
  OutputStream *os = data;

  g_mutex_clear (&os->lock);
  g_string_free (os->pending, TRUE);
  g_string_free (os->carry, TRUE);
  g_object_unref (os->self);
  g_main_context_unref (os->context);
}

static OutputStream *
output_stream_new (GTask *task)
{
  OutputStream *os = g_atomic_rc_box_new0 (OutputStream);

  g_mutex_init (&os->lock);
  os->pending = g_string_new (NULL);
  os->carry = g_string_new (NULL);
  os->self = g_object_ref (g_task_get_source_object (task));
  os->context = g_main_context_ref (g_task_get_context (task));
  return os;
}

static void
output_stream_unref (OutputStream *os)
{
  g_atomic_rc_box_release_full (os, output_stream_clear);
}

static gboolean
output_stream_dispatch (gpointer data)
{
  OutputStream *os = data;
  g_autoptr(GString) text = NULL;
  gboolean closed;
  const char *valid_end;

  g_mutex_lock (&os->lock);
  text = g_steal_pointer (&os->pending);
  os->pending = g_string_new (NULL);
  os->scheduled = FALSE;
  closed = os->closed;
  g_mutex_unlock (&os->lock);

  g_string_prepend_len (text, os->carry->str, (gssize) os->carry->len);
  g_string_truncate (os->carry, 0);

  /* A character split between two reads waits for its other bytes (unless nothing more
   * will come), so every emission is as valid as the board's output. */
  if (!closed && !g_utf8_validate_len (text->str, text->len, &valid_end))
    {
      gsize rest = text->len - (gsize) (valid_end - text->str);

      if (rest < 4 && g_utf8_get_char_validated (valid_end, (gssize) rest) == (gunichar) -2)
        {
          g_string_append_len (os->carry, valid_end, (gssize) rest);
          g_string_truncate (text, text->len - rest);
        }
    }
  if (text->len > 0)
    _mpy_connection_emit_exec_output (os->self, text->str);
  return G_SOURCE_REMOVE;
}

static void
output_stream_schedule_locked (OutputStream *os)
{
  if (os->scheduled)
    return;
  os->scheduled = TRUE;
  _mpy_connection_deliver (os->context, output_stream_dispatch, g_atomic_rc_box_acquire (os),
           (GDestroyNotify) output_stream_unref);
}

/* Worker thread: a piece of stdout arrived. */
static void
on_exec_output (const char *data,
                gsize       len,
                gpointer    user_data)
{
  OutputStream *os = user_data;

  g_mutex_lock (&os->lock);
  g_string_append_len (os->pending, data, (gssize) len);
  output_stream_schedule_locked (os);
  g_mutex_unlock (&os->lock);
}

/* Worker thread, before the task returns: whatever is held back goes out, ahead of the
 * result (same context, same priority, queued first). */
static void
output_stream_close (OutputStream *os)
{
  g_mutex_lock (&os->lock);
  os->closed = TRUE;
  output_stream_schedule_locked (os);
  g_mutex_unlock (&os->lock);
}

/* ---- the worker ---- */

static void
drop_port (Worker *worker)
{
  g_clear_pointer (&worker->repl, mpy_raw_repl_free);
}

static gboolean
ensure_open (Worker  *worker,
             Op      *op,
             GError **error)
{
  MpyTransportOptions options;
  MpyTransport *transport;

  if (worker->repl != NULL
      && (worker->baud != op->baud || worker->dtr != op->dtr || worker->rts != op->rts))
    {
      /* New baud rate or line settings: hand the board back and open the port again. */
      mpy_raw_repl_leave (worker->repl, NULL, NULL);
      drop_port (worker);
    }
  if (worker->repl != NULL)
    {
      mpy_raw_repl_set_timeouts (worker->repl, op->connect_ms, op->idle_ms);
      mpy_raw_repl_set_raw_paste (worker->repl, op->raw_paste);
      return TRUE;
    }

  mpy_transport_options_init (&options);
  options.baud = op->baud;
  options.dtr = op->dtr;
  options.rts = op->rts;
  options.connect_timeout_ms = op->connect_ms;
  options.password = op->password;
  transport = mpy_transport_open (op->path, &options,
                                  op->task != NULL ? g_task_get_cancellable (op->task) : NULL,
                                  error);
  if (transport == NULL)
    return FALSE;
  worker->baud = op->baud;
  worker->dtr = op->dtr;
  worker->rts = op->rts;
  worker->repl = mpy_raw_repl_new (transport);
  mpy_raw_repl_set_timeouts (worker->repl, op->connect_ms, op->idle_ms);
  mpy_raw_repl_set_raw_paste (worker->repl, op->raw_paste);
  return TRUE;
}

/* The start of an operation that talks to the board: the port open, progress reported. */
static gboolean
begin_op (Worker         *worker,
          Op             *op,
          ProgressState  *ps,
          GError        **error)
{
  if (!ensure_open (worker, op, error))
    return FALSE;
  mpy_raw_repl_set_progress (worker->repl, on_progress, ps);
  return TRUE;
}

/* The end of it, before the task returns: progress stopped and its last count sent, the
 * state posted. After a failure (@error set) a vanished board closes the port (the next
 * operation reopens it); anything else keeps it open and the raw-REPL client resyncs on
 * its own. */
static void
end_op (Worker        *worker,
        GTask         *task,
        ProgressState *ps,
        const GError  *error)
{
  if (worker->repl != NULL)
    mpy_raw_repl_set_progress (worker->repl, NULL, NULL);
  flush_progress (ps);
  if (g_error_matches (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED))
    drop_port (worker);
  post_update (worker, task);
}

static gboolean
is_no_mem_info (const char *traceback)
{
  return (strstr (traceback, "AttributeError") != NULL && strstr (traceback, "mem_info") != NULL)
         || (strstr (traceback, "ImportError") != NULL && strstr (traceback, "micropython") != NULL);
}

/* One capture attempt: the dump in *snapshot (maybe damaged). */
static gboolean
capture_once (Worker        *worker,
              gboolean       figures_only,
              GCancellable  *cancellable,
              MpySnapshot  **snapshot,
              GError       **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *stmt = NULL;

  /* the banner, and so the statement that leaves the least heap on this firmware, is known
   * once in the raw REPL */
  if (!mpy_raw_repl_enter (worker->repl, cancellable, error))
    return FALSE;
  stmt = g_strdup (mpy_raw_repl_get_quirks (worker->repl)->capture_stmt);
  if (figures_only && g_str_has_suffix (stmt, "(1)"))
    strcpy (stmt + strlen (stmt) - 3, "()");   /* the same statement, without the map */
  if (!mpy_raw_repl_exec (worker->repl, stmt, &out, &err, cancellable, error))
    return FALSE;

  if (err[0] != '\0')
    {
      if (is_no_mem_info (err))
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_MEM_INFO,
                     _("This firmware has no micropython.mem_info() (it was built without it), "
                       "so its heap cannot be mapped:\n%s"), err);
      else
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TRACEBACK,
                     _("The board raised an exception while dumping its heap:\n%s"), err);
      return FALSE;
    }

  *snapshot = mpy_dump_reader_read_one (out, -1, &read_error);
  if (*snapshot == NULL)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DAMAGED,
                   _("The board’s reply is not a readable heap dump (%s): serial data was "
                     "probably lost; capture again"), read_error->message);
      return FALSE;
    }
  return TRUE;
}

static MpySnapshot *
do_capture (Worker        *worker,
            Op            *op,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) first_error = NULL;
  MpySnapshotFlags flags = 0;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (op->flags & MPY_CAPTURE_SOFT_RESET)
    {
      if (!mpy_raw_repl_soft_reset (worker->repl, cancellable, error))
        return NULL;
      flags |= MPY_SNAPSHOT_FLAG_SOFT_RESET;
    }
  if (op->flags & MPY_CAPTURE_GC)
    {
      if (!mpy_raw_repl_exec (worker->repl, "import gc\ngc.collect()", &out, &err,
                              cancellable, error))
        return NULL;
      if (err[0] != '\0')
        {
          g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TRACEBACK,
                       _("The board raised an exception in gc.collect():\n%s"), err);
          return NULL;
        }
      flags |= MPY_SNAPSHOT_FLAG_GC;
    }

  now = g_date_time_new_now_local ();
  if (!capture_once (worker, (op->flags & MPY_CAPTURE_FIGURES) != 0, cancellable, &snapshot,
                     &first_error))
    {
      if (!g_error_matches (first_error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DAMAGED))
        {
          g_propagate_error (error, g_steal_pointer (&first_error));
          return NULL;
        }
    }

  if (snapshot == NULL || mpy_snapshot_is_damaged (snapshot))
    {
      g_autoptr(MpySnapshot) retry = NULL;
      g_autoptr(GError) retry_error = NULL;

      /* Lost or interleaved serial data: try once more. If that is damaged too, the
       * damaged snapshot is returned marked as such, never dropped. */
      flags |= MPY_SNAPSHOT_FLAG_RETRIED;
      g_clear_pointer (&now, g_date_time_unref);
      now = g_date_time_new_now_local ();
      if (!capture_once (worker, (op->flags & MPY_CAPTURE_FIGURES) != 0, cancellable, &retry,
                         &retry_error))
        {
          if (snapshot == NULL
              || !g_error_matches (retry_error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DAMAGED))
            {
              g_propagate_error (error, g_steal_pointer (&retry_error));
              return NULL;
            }
        }
      else
        {
          g_clear_pointer (&snapshot, mpy_snapshot_unref);
          snapshot = g_steal_pointer (&retry);
        }
    }

  if (mpy_raw_repl_take_interrupted (worker->repl))
    flags |= MPY_SNAPSHOT_FLAG_INTERRUPTED;
  return mpy_snapshot_with_metadata (snapshot, now, NULL, op->path,
                                     mpy_raw_repl_get_banner (worker->repl), flags);
}

void
_mpy_connection_exec_result_free (ExecResult *r)
{
  g_free (r->out);
  g_free (r->err);
  g_free (r);
}

static void
run_op (Worker *worker,
        Op     *op)
{
  GTask *task = op->task;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  ProgressState ps = { task, 0, 0, 0 };

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      post_update (worker, task);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (op->kind)
    {
    case OP_CAPTURE:
      {
        MpySnapshot *snapshot = NULL;
        gboolean was_open = worker->repl != NULL;

        if (begin_op (worker, op, &ps, &error))
          snapshot = do_capture (worker, op, cancellable, &error);
        if (snapshot == NULL && was_open
            && g_error_matches (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED))
          {
            /* The port we held went away (a reset board re-enumerates on USB, a bridge
             * restarted): open the path again, once. A capture is safe to repeat. */
            g_autoptr(GError) lost = g_steal_pointer (&error);

            drop_port (worker);
            if (begin_op (worker, op, &ps, &error))
              snapshot = do_capture (worker, op, cancellable, &error);
            /* It did not come back: the board was unplugged, which is what to say, not
             * that there is no such port (the reopen's view of it). */
            if (snapshot == NULL
                && g_error_matches (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_SUCH_PORT))
              {
                g_clear_error (&error);
                error = g_steal_pointer (&lost);
              }
          }
        if (snapshot == NULL && strstr (op->path, "://") == NULL
            && g_error_matches (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED))
          {
            /* A serial board gone mid-capture: what happened and what to do. (Network
             * boards' messages name their own link.) */
            g_clear_error (&error);
            g_set_error (&error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DISCONNECTED,
                         _("The board on %s was disconnected during the capture (unplugged, "
                           "reset, or its cable moved): plug it back in, then capture again"),
                         op->path);
          }
        end_op (worker, task, &ps, snapshot == NULL ? error : NULL);
        if (snapshot != NULL)
          g_task_return_pointer (task, snapshot, (GDestroyNotify) mpy_snapshot_unref);
        else
          g_task_return_error (task, g_steal_pointer (&error));
        break;
      }

    case OP_EXEC:
      {
        ExecResult *r = g_new0 (ExecResult, 1);
        OutputStream *os = output_stream_new (task);
        gboolean ok;

        /* The user's code may run silently for long (no idle limit) or print forever
         * (streamed as it arrives); only the exec timeout, a disconnect or a cancel ends it. */
        ok = begin_op (worker, op, &ps, &error)
             && mpy_raw_repl_exec_user (worker->repl, op->code, op->exec_ms,
                                        on_exec_output, os, &r->out, &r->err,
                                        cancellable, &error);
        output_stream_close (os);
        output_stream_unref (os);
        end_op (worker, task, &ps, ok ? NULL : error);
        if (ok)
          g_task_return_pointer (task, r, (GDestroyNotify) _mpy_connection_exec_result_free);
        else
          {
            if (r->out != NULL)
              g_object_set_data_full (G_OBJECT (task), PARTIAL_OUTPUT_KEY,
                                      g_steal_pointer (&r->out), g_free);
            _mpy_connection_exec_result_free (r);
            g_task_return_error (task, g_steal_pointer (&error));
          }
        break;
      }

    case OP_LISTEN:
      {
        OutputStream *os = output_stream_new (task);

        /* Only a cancel, a disconnect or another failure of the port ends it. */
        if (begin_op (worker, op, &ps, &error))
          mpy_raw_repl_listen (worker->repl, on_exec_output, os, cancellable, &error);
        output_stream_close (os);
        output_stream_unref (os);
        end_op (worker, task, &ps, error);
        g_task_return_error (task, g_steal_pointer (&error));
        break;
      }

    case OP_CLOSE:
      {
        gboolean ok = TRUE;

        if (worker->repl != NULL)
          {
            ok = mpy_raw_repl_leave (worker->repl, cancellable, &error);
            drop_port (worker);
          }
        post_update (worker, task);
        if (ok)
          g_task_return_boolean (task, TRUE);
        else
          g_task_return_error (task, g_steal_pointer (&error));
        break;
      }

    case OP_QUIT:
    default:
      g_assert_not_reached ();
    }
}

Worker *
_mpy_connection_worker_new (void)
{
  return g_new0 (Worker, 1);
}

/* The GThreadPool's function: its one exclusive thread runs every operation in turn, so the
 * port is only ever touched here. OP_QUIT is the last: it hands the board back and frees
 * the worker. */
void
_mpy_connection_worker_run (gpointer data,
                            gpointer user_data)
{
  Op *op = data;
  Worker *worker = user_data;

  g_atomic_pointer_set (&worker->thread, g_thread_self ());
  if (op->kind != OP_QUIT)
    {
      run_op (worker, op);
      _mpy_connection_op_free (op);
      return;
    }

  _mpy_connection_op_free (op);
  if (worker->repl != NULL)
    {
      /* The last reference went without a close: still hand the board back to the
       * friendly REPL, quickly. */
      mpy_raw_repl_leave (worker->repl, NULL, NULL);
      drop_port (worker);
    }
  g_free (worker);
}
