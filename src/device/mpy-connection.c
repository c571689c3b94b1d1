/* mpy-connection.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "mpy-connection.h"
#include "mpy-dump-reader.h"
#include "mpy-raw-repl.h"
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

typedef enum {
  OP_CAPTURE,
  OP_EXEC,
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
  char            *password;
  guint            baud;
  MpyLineMode      dtr;
  MpyLineMode      rts;
  guint            connect_ms;
  guint            idle_ms;
  guint            exec_ms;
  MpyRawPasteMode  raw_paste;
} Op;

/* Everything the worker thread owns. Freed by the worker when it quits. */
typedef struct
{
  GAsyncQueue  *queue;
  MpyRawRepl   *repl;
  /* the settings the port is open with */
  guint         baud;
  MpyLineMode   dtr;
  MpyLineMode   rts;
} Worker;

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

  GThread            *thread;
  Worker             *worker;
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

static void
op_free (Op *op)
{
  g_clear_object (&op->task);
  g_free (op->code);
  g_free (op->path);
  g_free (op->password);
  g_free (op);
}

/* ---- results delivered to the caller's main context ---- */

typedef struct
{
  MpyConnection      *self;
  MpyConnectionState  state;
  char               *banner;
  const char         *transport;
  guint64             progress;
  gboolean            is_progress;
} Update;

/* Queues @func in @context. Never g_main_context_invoke(): when nobody holds the default
 * context at that moment it runs @func right here, on the worker (signals emitted on the
 * wrong thread, and a deadlock where the worker holds a lock @func takes). Sources of one
 * priority dispatch in the order queued, so these come before the task's own result. */
static void
deliver (GMainContext   *context,
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

static gboolean
apply_update (gpointer data)
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
      u->state = MPY_CONNECTION_READY;
      u->banner = g_strdup (mpy_raw_repl_get_banner (worker->repl));
      u->transport = mpy_transport_get_kind (mpy_raw_repl_get_transport (worker->repl));
    }
  else
    u->state = MPY_CONNECTION_DISCONNECTED;
  deliver (g_task_get_context (task), apply_update, u, NULL);
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
  deliver (g_task_get_context (ps->task), apply_update, u, NULL);
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
    g_signal_emit (os->self, signals[SIGNAL_EXEC_OUTPUT], 0, text->str);
  return G_SOURCE_REMOVE;
}

static void
output_stream_schedule_locked (OutputStream *os)
{
  if (os->scheduled)
    return;
  os->scheduled = TRUE;
  deliver (os->context, output_stream_dispatch, g_atomic_rc_box_acquire (os),
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
              GCancellable  *cancellable,
              MpySnapshot  **snapshot,
              GError       **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) read_error = NULL;

  /* the banner, and so the statement that leaves the least heap on this firmware, is known
   * once in the raw REPL */
  if (!mpy_raw_repl_enter (worker->repl, cancellable, error)
      || !mpy_raw_repl_exec (worker->repl, mpy_raw_repl_get_quirks (worker->repl)->capture_stmt,
                             &out, &err, cancellable, error))
    return FALSE;

  if (err[0] != '\0')
    {
      if (is_no_mem_info (err))
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_NO_MEM_INFO,
                     "This firmware has no micropython.mem_info() (it was built without it), "
                     "so its heap cannot be mapped:\n%s", err);
      else
        g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_TRACEBACK,
                     "The board raised an exception while dumping its heap:\n%s", err);
      return FALSE;
    }

  *snapshot = mpy_dump_reader_read_one (out, -1, &read_error);
  if (*snapshot == NULL)
    {
      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DAMAGED,
                   "The board's reply is not a readable heap dump (%s): serial data was "
                   "probably lost; capture again", read_error->message);
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
                       "The board raised an exception in gc.collect():\n%s", err);
          return NULL;
        }
      flags |= MPY_SNAPSHOT_FLAG_GC;
    }

  now = g_date_time_new_now_local ();
  if (!capture_once (worker, cancellable, &snapshot, &first_error))
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
      if (!capture_once (worker, cancellable, &retry, &retry_error))
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

typedef struct
{
  char *out;
  char *err;
} ExecResult;

/* The stdout received before a failed exec, kept for mpy_connection_exec_finish(). */
#define PARTIAL_OUTPUT_KEY "mpy-partial-output"

static void
exec_result_free (ExecResult *r)
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
            g_clear_error (&error);
            drop_port (worker);
            if (begin_op (worker, op, &ps, &error))
              snapshot = do_capture (worker, op, cancellable, &error);
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
          g_task_return_pointer (task, r, (GDestroyNotify) exec_result_free);
        else
          {
            if (r->out != NULL)
              g_object_set_data_full (G_OBJECT (task), PARTIAL_OUTPUT_KEY,
                                      g_steal_pointer (&r->out), g_free);
            exec_result_free (r);
            g_task_return_error (task, g_steal_pointer (&error));
          }
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

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;

  for (;;)
    {
      Op *op = g_async_queue_pop (worker->queue);

      if (op->kind == OP_QUIT)
        {
          op_free (op);
          break;
        }
      run_op (worker, op);
      op_free (op);
    }

  if (worker->repl != NULL)
    {
      /* The last reference went without a close: still hand the board back to the
       * friendly REPL, quickly. */
      mpy_raw_repl_leave (worker->repl, NULL, NULL);
      drop_port (worker);
    }
  g_async_queue_unref (worker->queue);
  g_free (worker);
  return NULL;
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
  g_async_queue_push (self->worker->queue, op);
}

/* ---- GObject ---- */

static void
mpy_connection_finalize (GObject *object)
{
  MpyConnection *self = MPY_CONNECTION (object);
  Op *quit = g_new0 (Op, 1);

  quit->kind = OP_QUIT;
  g_async_queue_push (self->worker->queue, quit);
  /* The last reference may go on the worker itself (a task freed there): then let it
   * finish on its own; otherwise wait, so the port is closed when we return. */
  if (g_thread_self () == self->thread)
    g_thread_unref (self->thread);
  else
    g_thread_join (self->thread);

  g_free (self->path);
  g_free (self->password);
  g_free (self->banner);

  G_OBJECT_CLASS (mpy_connection_parent_class)->finalize (object);
}

static void
mpy_connection_constructed (GObject *object)
{
  MpyConnection *self = MPY_CONNECTION (object);
  Worker *worker = g_new0 (Worker, 1);

  G_OBJECT_CLASS (mpy_connection_parent_class)->constructed (object);

  worker->queue = g_async_queue_new ();
  self->worker = worker;
  self->thread = g_thread_new ("mpy-connection", worker_main, worker);
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
  exec_result_free (r);
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
