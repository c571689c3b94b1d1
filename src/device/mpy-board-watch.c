/* mpy-board-watch.c — the watch sequencing of MpyBoard (DESIGN.md §10)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A watch is a run of the board's own operations: captures on a timer (every), one exec of
 * the user's program whose output is read as it streams (run), or one listen (listen). The
 * streamed output goes through MpyDumpStream, which hands out each dump the reader and the
 * named-log pass find in it once it is complete. Every snapshot is emitted as the board's
 * "watch-snapshot" signal at once; the task returns only when no operation is in flight.
 */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mpy-board-watch.h"
#include "mpy-dump-stream.h"

G_DEFINE_ENUM_TYPE (MpyBoardWatchMode, mpy_board_watch_mode,
  G_DEFINE_ENUM_VALUE (MPY_BOARD_WATCH_EVERY, "every"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_WATCH_RUN, "run"),
  G_DEFINE_ENUM_VALUE (MPY_BOARD_WATCH_LISTEN, "listen"))

/* A streamed dump silent for this long is complete (bare mem_info() output at the end). */
#define SILENCE_MS 1000

typedef struct
{
  GTask          *task;          /* holds the board */
  MpyBoard       *board;
  MpyBoardWatchOptions options;
  char           *script;
  GCancellable   *stop;          /* the running operation's: cancelled to stop */
  GSource        *cancel_source; /* the caller's cancellable */
  GSource        *timer;         /* every: the ticks */
  GSource        *silence;       /* run, listen: flushes a dump the board fell silent after */
  gulong          output_handler;
  MpyDumpStream  *stream;
  gboolean        in_flight;     /* a board operation runs */
  gboolean        stopping;
  gboolean        done;
  guint           n;
  guint           skipped;
  char           *traceback;
  GError         *error;
} Watch;

static void
watch_free (Watch *w)
{
  g_clear_object (&w->stop);
  g_clear_pointer (&w->stream, mpy_dump_stream_free);
  g_free (w->script);
  g_free (w->traceback);
  g_clear_error (&w->error);
  g_free (w);
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static gboolean
release_task (gpointer task)
{
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* Returns the task once nothing runs on the board any more. */
static void
complete (Watch *w)
{
  GTask *task;

  if (w->done || w->in_flight)
    return;
  w->done = TRUE;
  clear_source (&w->timer);
  clear_source (&w->silence);
  clear_source (&w->cancel_source);
  if (w->output_handler != 0)
    g_clear_signal_handler (&w->output_handler, w->board);

  /* The task (and so w) goes only from an idle: the callers up the stack still look at
   * w->done. */
  task = w->task;
  if (w->error != NULL)
    g_task_return_error (task, g_steal_pointer (&w->error));
  else
    g_task_return_boolean (task, TRUE);
  {
    GSource *idle = g_idle_source_new ();

    g_source_set_callback (idle, release_task, task, NULL);
    g_source_attach (idle, g_task_get_context (task));
    g_source_unref (idle);
  }
}

static void
request_stop (Watch *w)
{
  w->stopping = TRUE;
  g_cancellable_cancel (w->stop);
  complete (w);
}

static void
emit (Watch       *w,
      MpySnapshot *snapshot)
{
  if (w->stopping || (w->options.count > 0 && w->n >= w->options.count))
    return;
  w->n++;
  g_signal_emit_by_name (w->board, "watch-snapshot", snapshot);
  if (w->options.count > 0 && w->n >= w->options.count)
    request_stop (w);
}

/* Dumps read from the stream: the board's address and banner, the time they were complete;
 * the name, board time and console context the log gave them stay. */
static void
emit_streamed (Watch     *w,
               GPtrArray *dumps)
{
  for (guint i = 0; i < dumps->len && !w->done; i++)
    {
      MpySnapshot *dump = g_ptr_array_index (dumps, i);
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(MpySnapshot) snapshot =
        mpy_snapshot_with_metadata (dump, now, mpy_snapshot_get_label (dump),
                                    mpy_board_get_address (w->board),
                                    mpy_board_get_banner (w->board), 0);

      emit (w, snapshot);
    }
  g_ptr_array_unref (dumps);
}

static gboolean
silence_cb (gpointer data)
{
  Watch *w = data;

  g_clear_pointer (&w->silence, g_source_unref);
  emit_streamed (w, mpy_dump_stream_flush (w->stream));
  return G_SOURCE_REMOVE;
}

static void
output_cb (MpyBoard   *board,
           const char *text,
           Watch      *w)
{
  if (w->done)
    return;
  emit_streamed (w, mpy_dump_stream_feed (w->stream, text, strlen (text)));
  if (w->done)
    return;
  clear_source (&w->silence);
  w->silence = g_timeout_source_new (SILENCE_MS);
  g_source_set_callback (w->silence, silence_cb, w, NULL);
  g_source_attach (w->silence, g_task_get_context (w->task));
}

/* A streamed operation ended: what is still held is complete now. */
static void
stream_ended (Watch  *w,
              GError *error)
{
  w->in_flight = FALSE;
  clear_source (&w->silence);
  if (!w->stopping)
    emit_streamed (w, mpy_dump_stream_flush (w->stream));
  /* A cancel (ours, or mpy_board_cancel()) is a stop; anything else a failure. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (&w->error, g_steal_pointer (&error));
  g_clear_error (&error);
  w->stopping = TRUE;
  complete (w);
}

static void
exec_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Watch *w = user_data;
  GError *error = NULL;

  g_clear_pointer (&w->traceback, g_free);
  mpy_board_exec_finish (MPY_BOARD (object), result, NULL, &w->traceback, &error);
  stream_ended (w, error);
}

static void
listen_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Watch *w = user_data;
  GError *error = NULL;

  mpy_board_listen_finish (MPY_BOARD (object), result, &error);
  stream_ended (w, error);
}

/* ---- every ---- */

static void
capture_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Watch *w = user_data;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  w->in_flight = FALSE;
  mpy_board_capture_finish (MPY_BOARD (object), result, &snapshots, &error);
  for (guint i = 0; i < snapshots->len && !w->done; i++)
    emit (w, g_ptr_array_index (snapshots, i));
  if (w->done)
    return;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
        w->skipped++;          /* the user's own operation had the board: a tick skipped */
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        w->stopping = TRUE;
      else if (!g_error_matches (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_DAMAGED))
        {
          g_propagate_error (&w->error, g_steal_pointer (&error));
          w->stopping = TRUE;
        }
    }
  if (w->stopping)
    complete (w);
}

static gboolean
tick_cb (gpointer data)
{
  Watch *w = data;
  MpyBoardCapture kind;

  if (w->stopping)
    return G_SOURCE_REMOVE;
  if (w->in_flight)
    {
      w->skipped++;            /* the last capture still runs */
      return G_SOURCE_CONTINUE;
    }
  if (w->options.figures_only)
    kind = w->options.gc ? MPY_BOARD_CAPTURE_FIGURES_GC : MPY_BOARD_CAPTURE_FIGURES;
  else
    kind = w->options.gc ? MPY_BOARD_CAPTURE_GC : MPY_BOARD_CAPTURE_PLAIN;
  w->in_flight = TRUE;
  mpy_board_capture_async (w->board, kind, w->stop, capture_done_cb, w);
  return G_SOURCE_CONTINUE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      data)
{
  Watch *w = data;

  g_clear_pointer (&w->cancel_source, g_source_unref);
  request_stop (w);
  return G_SOURCE_REMOVE;
}

/**
 * mpy_board_watch_async:
 * @self: a #MpyBoard
 * @options: how to record (copied)
 * @cancellable: (nullable): stops the watch
 * @callback: called in the caller's thread-default main context once the board is idle
 * @user_data: data for @callback
 *
 * Records snapshots while a program runs: see #MpyBoardWatchOptions. Each arrives as
 * "watch-snapshot" the moment it is complete.
 */
void
mpy_board_watch_async (MpyBoard                    *self,
                       const MpyBoardWatchOptions  *options,
                       GCancellable                *cancellable,
                       GAsyncReadyCallback          callback,
                       gpointer                     user_data)
{
  GTask *task;
  Watch *w;

  g_return_if_fail (MPY_IS_BOARD (self));
  g_return_if_fail (options != NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, mpy_board_watch_async);
  w = g_new0 (Watch, 1);
  w->task = task;
  w->board = self;
  w->options = *options;
  w->script = g_strdup (options->script);
  w->options.script = w->script;
  w->stop = g_cancellable_new ();
  w->stream = mpy_dump_stream_new ();
  g_task_set_task_data (task, w, (GDestroyNotify) watch_free);

  if (options->mode == MPY_BOARD_WATCH_EVERY && options->interval_ms < MPY_WATCH_MIN_INTERVAL_MS)
    {
      w->error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                              _("A watch captures at most every %.1f s, not every %.2f s."),
                              MPY_WATCH_MIN_INTERVAL_MS / 1000.0, options->interval_ms / 1000.0);
      complete (w);
      return;
    }
  if (options->mode == MPY_BOARD_WATCH_RUN && options->script == NULL)
    {
      w->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                      _("No program to run: choose a script file."));
      complete (w);
      return;
    }
  if (options->mode == MPY_BOARD_WATCH_RUN)
    for (const char *p = options->script; *p != '\0'; p++)
      if (*p >= 0x01 && *p <= 0x05)
        {
          w->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                          _("The program contains control characters (bytes 1 to 5) that the raw REPL cannot carry."));
          complete (w);
          return;
        }

  if (cancellable != NULL)
    {
      w->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (w->cancel_source, G_SOURCE_FUNC (cancelled_cb), w, NULL);
      g_source_attach (w->cancel_source, g_task_get_context (task));
    }

  switch (options->mode)
    {
    case MPY_BOARD_WATCH_EVERY:
      w->timer = g_timeout_source_new (options->interval_ms);
      g_source_set_callback (w->timer, tick_cb, w, NULL);
      g_source_attach (w->timer, g_task_get_context (task));
      tick_cb (w);
      break;
    case MPY_BOARD_WATCH_RUN:
      w->output_handler = g_signal_connect (self, "exec-output", G_CALLBACK (output_cb), w);
      w->in_flight = TRUE;
      mpy_board_exec_async (self, w->script, w->stop, exec_done_cb, w);
      break;
    case MPY_BOARD_WATCH_LISTEN:
    default:
      w->output_handler = g_signal_connect (self, "exec-output", G_CALLBACK (output_cb), w);
      w->in_flight = TRUE;
      mpy_board_listen_async (self, w->stop, listen_done_cb, w);
      break;
    }
}

/**
 * mpy_board_watch_finish:
 * @self: a #MpyBoard
 * @result: the #GAsyncResult
 * @n_snapshots: (out) (optional): how many snapshots were emitted
 * @n_skipped: (out) (optional): ticks skipped while a capture ran
 * @rest: (out) (optional): what the program printed after its last dump
 * @traceback: (out) (optional): the program's traceback (run), "" or %NULL when none
 * @error: a #GError
 *
 * Returns: %TRUE for a stop (count, program end, cancel), %FALSE on a failure
 */
gboolean
mpy_board_watch_finish (MpyBoard      *self,
                        GAsyncResult  *result,
                        guint         *n_snapshots,
                        guint         *n_skipped,
                        char         **rest,
                        char         **traceback,
                        GError       **error)
{
  Watch *w;

  g_return_val_if_fail (MPY_IS_BOARD (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_board_watch_async, FALSE);

  w = g_task_get_task_data (G_TASK (result));
  if (n_snapshots != NULL)
    *n_snapshots = w->n;
  if (n_skipped != NULL)
    *n_skipped = w->skipped;
  if (rest != NULL)
    *rest = g_strdup (mpy_dump_stream_get_rest (w->stream));
  if (traceback != NULL)
    *traceback = g_strdup (w->traceback);
  return g_task_propagate_boolean (G_TASK (result), error);
}
