/* bench-timeline-view.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline, stepping and playback against the goals of issue 11:
 *  - the timeline with 10,000 snapshots (goal: a redraw ≤ 8 ms): a new snapshot arrives (as
 *    in a watch: the layout and the chart are made again), the widget is snapshotted and its
 *    node rendered with the window's GskRenderer; a new selection and a hover, which reuse
 *    the cached chart;
 *  - a step to the next snapshot in a document of 10,000 (goal ≤ 16 ms): Right in the
 *    timeline, the window shows that snapshot's map and figures, until the window's frame
 *    clock has painted the frame;
 *  - playback on a 256 KB heap (16,384 blocks of 16 bytes; goal 30 frames/s): where a frame
 *    goes (the diff, the block image, the step in the window, layout and paint of the frame)
 *    and the frames per second the real playback presents (after-paint of the frame clock).
 * Wall time and CPU time (of the main thread, and of the process: GL under Xvfb renders on
 * llvmpipe's threads) are both given: other work on the machine stretches the first.
 * Run under Xvfb:
 *   xvfb-run -a meson test -C _build --benchmark timeline-view -v
 */

#include <time.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-bench.h"
#include "mpy-diff.h"
#include "mpy-document.h"
#include "mpy-dump-reader.h"
#include "mpy-heap-view.h"
#include "mpy-renderer.h"
#include "mpy-snapshot-item.h"
#include "mpy-timeline.h"
#include "mpy-window-testing.h"

#define N_SNAPSHOTS  10000
#define N_FRAMES     40
#define N_PLAYED     90
#define HEAP_BLOCKS  16384     /* 256 KB at 16 bytes per block */
#define REDRAW_GOAL  8.0
#define STEP_GOAL    16.0
#define FRAME_GOAL   (1000.0 / 30)

static const char *fixtures[] = {
  "unix-heap256k-after-soft-reset.txt",
  "unix-heap256k-after-alloc.txt",
  "unix-heap256k-after-del-gc.txt",
  "unix-heap256k-fragmented.txt",
  "unix-heap256k-heap-full.txt",
};

/* ---- measuring ---------------------------------------------------------------------------- */

typedef struct {
  double wall;      /* ms */
  double thread;    /* CPU ms of the main thread */
  double process;   /* CPU ms of the whole process */
} Cost;

typedef struct {
  gint64          wall;
  struct timespec thread;
  struct timespec process;
} Mark;

static double
ms_between (const struct timespec *a,
            const struct timespec *b)
{
  return (b->tv_sec - a->tv_sec) * 1000.0 + (b->tv_nsec - a->tv_nsec) / 1e6;
}

static Mark
mark (void)
{
  Mark m;

  m.wall = g_get_monotonic_time ();
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &m.thread);
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &m.process);
  return m;
}

static Cost
since (const Mark *start)
{
  Mark now = mark ();

  return (Cost) { (now.wall - start->wall) / 1000.0, ms_between (&start->thread, &now.thread),
                  ms_between (&start->process, &now.process) };
}

static double
percentile (double *ms,
            guint   n,
            double  p)
{
  guint i = (guint) (n * p);

  return ms[MIN (i, n - 1)];
}

static void
report_ms (const char *what,
           double     *ms,
           guint       n,
           double      goal)
{
  double median;

  median = mpy_bench_median (ms, n);   /* sorts */
  if (goal > 0)
    g_print ("%-66s median %7.2f ms  p95 %7.2f ms  goal ≤ %.1f ms: %s\n", what, median,
             percentile (ms, n, 0.95), goal, median <= goal ? "met" : "NOT MET");
  else
    g_print ("%-66s median %7.2f ms  p95 %7.2f ms\n", what, median, percentile (ms, n, 0.95));
}

/* Wall time against the goal, and the two CPU times beside it. */
static void
report (const char *what,
        Cost       *costs,
        guint       n,
        double      goal)
{
  g_autofree double *wall = g_new (double, n);
  g_autofree double *thread = g_new (double, n);
  g_autofree double *process = g_new (double, n);

  for (guint i = 0; i < n; i++)
    {
      wall[i] = costs[i].wall;
      thread[i] = costs[i].thread;
      process[i] = costs[i].process;
    }
  report_ms (what, wall, n, goal);
  report_ms ("    CPU of the main thread", thread, n, goal);
  report_ms ("    CPU of the process (GL's threads too)", process, n, goal);
}

static void
wait_mapped (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) <= 0)
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop for @ms: what is pending is done and the frame clock is idle. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint wake = g_timeout_add (5, wake_up_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

/* Snapshot @widget and render the node as the window would: the cost of one frame of it. */
static Cost
draw (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  Mark start = mark ();

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);   /* the widget's own drawing */
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  return since (&start);
}

/* ---- the window's frames ------------------------------------------------------------------ */

/* The phases of the frames the window's frame clock paints. */
typedef struct {
  guint  painted;        /* after-paint count */
  gint64 layout_start;
  gint64 layout_end;
  gint64 paint_start;
  gint64 paint_end;
  GArray *presented;     /* gint64: after-paint times of frames that show a new playback frame */
  MpyWindow *window;
  MpySnapshot *last_shown;
} Frames;

/* GTK's own handlers (layout of the window, rendering of its surface) were connected first:
 * a phase starts when the one before it has ended. */
static void
update_end_cb (GdkFrameClock *clock,
               Frames        *frames)
{
  frames->layout_start = g_get_monotonic_time ();
}

static void
layout_end_cb (GdkFrameClock *clock,
               Frames        *frames)
{
  frames->layout_end = frames->paint_start = g_get_monotonic_time ();
}

static void
paint_end_cb (GdkFrameClock *clock,
              Frames        *frames)
{
  frames->paint_end = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Frames        *frames)
{
  MpySnapshot *shown = mpy_window_get_shown_snapshot (frames->window);

  frames->painted++;
  if (frames->presented != NULL && shown != frames->last_shown)
    g_array_append_val (frames->presented, frames->paint_end);
  frames->last_shown = shown;
}

static void
follow_frames (Frames    *frames,
               MpyWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  g_assert (clock != NULL);
  frames->window = window;
  g_signal_connect_after (clock, "update", G_CALLBACK (update_end_cb), frames);
  g_signal_connect_after (clock, "layout", G_CALLBACK (layout_end_cb), frames);
  g_signal_connect_after (clock, "paint", G_CALLBACK (paint_end_cb), frames);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), frames);
}

static void
unfollow_frames (Frames    *frames,
                 MpyWindow *window)
{
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (GTK_WIDGET (window)), frames);
}

/* Runs the main loop until the frame clock has painted a frame after @painted. */
static void
wait_painted (Frames *frames,
              guint   painted)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (frames->painted == painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (frames->painted == painted)
    g_error ("no frame painted in 10 s");
}

/* ---- inputs ------------------------------------------------------------------------------- */

static GPtrArray *
read_fixtures (const char *dir)
{
  GPtrArray *snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_build_filename (dir, fixtures[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) read = mpy_dump_reader_read_file (path, &error);

      if (read == NULL)
        g_error ("%s: %s", path, error->message);
      g_ptr_array_add (snapshots, mpy_snapshot_ref (g_ptr_array_index (read, 0)));
    }
  return snapshots;
}

/* The fixtures' maps on a 256 KB heap of 16-byte blocks (their lines tiled), one layout. */
static GPtrArray *
build_heaps (const char *dir)
{
  GPtrArray *snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *text = mpy_bench_build_dump_of (dir, fixtures[i], HEAP_BLOCKS);
      g_autoptr(GError) error = NULL;
      MpySnapshot *s = mpy_dump_reader_read_one (text, -1, &error);

      if (s == NULL)
        g_error ("%s: %s", fixtures[i], error->message);
      g_assert (mpy_snapshot_get_n_blocks (s) == HEAP_BLOCKS && mpy_snapshot_get_bytes_per_block (s) == 16);
      g_ptr_array_add (snapshots, s);
    }
  return snapshots;
}

/* @n snapshots of @bases, a second apart: @phased, each base for a stretch in turn (a program
 * moving through phases); else each another base than the one before (every pixel column of
 * the timeline spans the range: the worst case for the lines). */
static GPtrArray *
sequence (GPtrArray *bases,
          guint      n,
          gboolean   phased)
{
  GPtrArray *snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (1700000000 + i);
      guint which = phased ? i * bases->len / n : i % bases->len;
      g_autofree char *label = g_strdup_printf ("log %u", i);

      g_ptr_array_add (snapshots, mpy_snapshot_with_metadata (g_ptr_array_index (bases, which),
                                                              t, label, NULL, NULL, 0));
    }
  return snapshots;
}

/* ---- the timeline alone ------------------------------------------------------------------- */

static void
bench_timeline (GPtrArray *bases,
                gboolean   phased)
{
  g_autoptr(GListStore) store = g_list_store_new (MPY_TYPE_SNAPSHOT_ITEM);
  g_autoptr(GtkSelectionModel) selection = NULL;
  g_autoptr(GPtrArray) snapshots = sequence (bases, N_SNAPSHOTS + N_FRAMES, phased);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *window, *timeline;
  GtkEventController *motion = NULL;
  g_autoptr(GListModel) controllers = NULL;
  Cost redraw[N_FRAMES], select[N_FRAMES], hover[N_FRAMES];
  Mark start;

  for (guint i = 0; i < N_SNAPSHOTS; i++)
    g_ptr_array_add (items, mpy_snapshot_item_new (g_ptr_array_index (snapshots, i)));
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  selection = GTK_SELECTION_MODEL (gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (store))));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 160);
  timeline = mpy_timeline_new ();
  gtk_window_set_child (GTK_WINDOW (window), timeline);
  gtk_window_present (GTK_WINDOW (window));
  wait_mapped (timeline);
  run_for (50);

  start = mark ();
  mpy_timeline_set_model (MPY_TIMELINE (timeline), selection);
  g_print ("timeline: %u snapshots read into the chart in %.0f ms; chart %d x %d px\n", N_SNAPSHOTS,
           since (&start).wall, gtk_widget_get_width (timeline), gtk_widget_get_height (timeline));
  mpy_timeline_set_series_visible (MPY_TIMELINE (timeline), MPY_CHART_SERIES_FRAGMENTATION, TRUE);
  mpy_timeline_set_series_visible (MPY_TIMELINE (timeline), MPY_CHART_SERIES_ONE_BLOCKS, TRUE);
  run_for (50);

  for (guint f = 0; f < N_FRAMES; f++)
    {
      /* A new snapshot (as a watch adds them): the layout and the chart again. */
      g_autoptr(MpySnapshotItem) item = mpy_snapshot_item_new (g_ptr_array_index (snapshots, N_SNAPSHOTS + f));
      Mark m = mark ();
      Cost c;

      g_list_store_append (store, item);
      c = since (&m);
      redraw[f] = draw (timeline);
      redraw[f].wall += c.wall;
      redraw[f].thread += c.thread;
      redraw[f].process += c.process;
    }
  report (phased ? "timeline redraw (a new snapshot), 10,000 snapshots in 5 phases"
                 : "timeline redraw, each snapshot unlike the last (worst case)",
          redraw, N_FRAMES, REDRAW_GOAL);

  for (guint f = 0; f < N_FRAMES; f++)
    {
      gtk_selection_model_select_item (selection, (f * 97) % N_SNAPSHOTS, TRUE);
      select[f] = draw (timeline);
    }
  report ("timeline frame after a new selection (cached chart)", select, N_FRAMES, REDRAW_GOAL);

  controllers = gtk_widget_observe_controllers (timeline);
  for (guint c = 0; c < g_list_model_get_n_items (controllers) && motion == NULL; c++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, c);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        motion = controller;
    }
  for (guint f = 0; f < N_FRAMES; f++)
    {
      g_signal_emit_by_name (motion, "motion", 100.0 + f * 10, 50.0);
      hover[f] = draw (timeline);
    }
  report ("timeline hover frame (cached chart + hover line)", hover, N_FRAMES, REDRAW_GOAL);

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (50);
}

/* ---- the window --------------------------------------------------------------------------- */

static MpyWindow *
new_window (GtkApplication *app,
            GPtrArray      *snapshots)
{
  MpyWindow *window = mpy_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  mpy_document_add (mpy_window_get_document (window), snapshots, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  wait_mapped (GTK_WIDGET (window));
  wait_mapped (mpy_window_get_timeline (window));
  run_for (300);
  return window;
}

static GtkEventController *
key_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint c = 0; c < g_list_model_get_n_items (controllers); c++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, c);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        return controller;
    }
  g_error ("no key controller");
}

/* Right in the timeline of a document of 10,000 snapshots: the next one's map and figures. */
static void
bench_step (GtkApplication *app,
            GPtrArray      *heaps)
{
  g_autoptr(GPtrArray) snapshots = sequence (heaps, N_SNAPSHOTS, FALSE);
  MpyWindow *window = new_window (app, snapshots);
  GtkWidget *timeline = mpy_window_get_timeline (window);
  GtkEventController *keys = key_controller (timeline);
  Frames frames = { 0 };
  Cost total[N_FRAMES], step[N_FRAMES];
  double layout[N_FRAMES], paint[N_FRAMES];

  gtk_selection_model_select_item (mpy_window_get_selection (window), 5000, TRUE);
  gtk_widget_grab_focus (timeline);
  run_for (200);
  follow_frames (&frames, window);
  for (guint f = 0; f < N_FRAMES; f++)
    {
      guint painted = frames.painted;
      gboolean handled = FALSE;
      Mark m;

      run_for (40);   /* the frame clock idle: the step's frame is painted at once */
      painted = frames.painted;
      m = mark ();
      g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
      step[f] = since (&m);
      wait_painted (&frames, painted);
      total[f] = since (&m);
      layout[f] = (frames.layout_end - frames.layout_start) / 1000.0;
      paint[f] = (frames.paint_end - frames.paint_start) / 1000.0;
      if (!handled || mpy_window_get_view_mode (window) != MPY_VIEW_MAP
          || !gtk_selection_model_is_selected (mpy_window_get_selection (window), 5001 + f))
        g_error ("step %u did not show snapshot %u", f, 5001 + f);
    }
  unfollow_frames (&frames, window);
  report ("step to the next snapshot of 10,000 (Right in the timeline), painted", total, N_FRAMES, STEP_GOAL);
  report ("  of which the step (selection → canvas, figures, timeline)", step, N_FRAMES, 0);
  report_ms ("  the frame's layout phase", layout, N_FRAMES, 0);
  report_ms ("  the frame's paint phase (snapshot, render)", paint, N_FRAMES, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (100);
}

/* Playback of successive diffs on a 256 KB heap: where a frame goes, then the real thing. */
static void
bench_playback (GtkApplication *app,
                GPtrArray      *heaps)
{
  /* The first four share one layout (the full heap is another), so every frame is a diff. */
  g_autoptr(GPtrArray) four = g_ptr_array_new ();
  g_autoptr(GPtrArray) snapshots = NULL;
  MpyWindow *window;
  GtkRange *scale;
  Frames frames = { 0 };
  Cost total[N_FRAMES], step[N_FRAMES], diff[N_FRAMES], image[N_FRAMES];
  double layout[N_FRAMES], paint[N_FRAMES];
  MpyRenderOptions options = MPY_RENDER_OPTIONS_INIT;

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (four, g_ptr_array_index (heaps, i));
  snapshots = sequence (four, N_PLAYED + 1, FALSE);
  window = new_window (app, snapshots);
  scale = mpy_window_get_playback_scale (window);
  gtk_range_set_value (scale, 0);
  run_for (200);
  mpy_heap_view_get_options (MPY_HEAP_VIEW (mpy_window_get_heap_view (window)), &options);

  /* The parts alone. */
  for (guint f = 0; f < N_FRAMES; f++)
    {
      MpySnapshot *before = g_ptr_array_index (snapshots, f), *after = g_ptr_array_index (snapshots, f + 1);
      g_autoptr(MpyDiff) d = NULL;
      cairo_surface_t *surface;
      Mark m = mark ();

      d = mpy_diff_new (before, after, NULL);
      diff[f] = since (&m);
      m = mark ();
      surface = mpy_renderer_create_block_image (after, d, &options);
      image[f] = since (&m);
      cairo_surface_destroy (surface);
    }

  /* Frame by frame: a step of the scrubber as the timer does, then the window's frame. */
  follow_frames (&frames, window);
  for (guint f = 0; f < N_FRAMES; f++)
    {
      guint painted;
      Mark m;

      run_for (40);
      painted = frames.painted;
      m = mark ();
      gtk_range_set_value (scale, f + 1);
      step[f] = since (&m);
      wait_painted (&frames, painted);
      total[f] = since (&m);
      layout[f] = (frames.layout_end - frames.layout_start) / 1000.0;
      paint[f] = (frames.paint_end - frames.paint_start) / 1000.0;
      if (mpy_window_get_view_mode (window) != MPY_VIEW_DIFF)
        g_error ("frame %u shows no diff", f + 1);
    }
  report ("playback frame, 256 KB heap (16,384 blocks): step, painted", total, N_FRAMES, FRAME_GOAL);
  report ("  of which the step (selection → diff, canvas, figures, timeline)", step, N_FRAMES, 0);
  report ("  of which the diff alone", diff, N_FRAMES, 0);
  report ("  of which the canvas's block image alone", image, N_FRAMES, 0);
  report_ms ("  the frame's layout phase", layout, N_FRAMES, 0);
  report_ms ("  the frame's paint phase (snapshot, render)", paint, N_FRAMES, 0);

  /* The playback itself at 30 frames/s: the frames the frame clock presents. */
  {
    g_autoptr(GArray) presented = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autofree double *intervals = NULL;
    gint64 deadline;
    guint n;
    Mark m;
    Cost c;

    gtk_range_set_value (scale, 0);
    run_for (200);
    g_object_set (gtk_widget_get_template_child (GTK_WIDGET (window), MPY_TYPE_WINDOW, "playback_speed"),
                  "selected", 4, NULL);
    if (mpy_window_get_playback_fps (window) != 30)
      g_error ("the playback's speed is not 30 frames/s");
    frames.presented = presented;
    frames.last_shown = mpy_window_get_shown_snapshot (window);
    m = mark ();
    if (!gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL))
      g_error ("no win.play");
    deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (mpy_window_get_playing (window) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    run_for (100);
    c = since (&m);
    frames.presented = NULL;

    n = presented->len;
    if (n < 2)
      g_error ("the playback presented %u frames", n);
    intervals = g_new (double, n - 1);
    for (guint i = 1; i < n; i++)
      intervals[i - 1] = (g_array_index (presented, gint64, i) - g_array_index (presented, gint64, i - 1)) / 1000.0;
    g_print ("playback at 30 frames/s, %u diffs: %u frames presented, %.1f frames/s achieved "
             "(%.1f ms CPU per frame in the main thread, %.1f ms in the process)\n",
             N_PLAYED, n,
             (n - 1) / ((g_array_index (presented, gint64, n - 1) - g_array_index (presented, gint64, 0)) / 1e6),
             c.thread / n, c.process / n);
    report_ms ("  time between presented frames", intervals, n - 1, FRAME_GOAL);
  }
  unfollow_frames (&frames, window);

  gtk_window_destroy (GTK_WINDOW (window));
  run_for (100);
}

/* ---- main --------------------------------------------------------------------------------- */

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
  g_autofree char *home = g_dir_make_tmp ("mpy-bench-timeline-XXXXXX", NULL);
  g_autofree char *state = g_build_filename (home, "state", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autoptr(GPtrArray) fixture_snapshots = NULL;
  g_autoptr(GPtrArray) heaps = NULL;
  g_autoptr(GtkApplication) app = NULL;
  const char *only = g_getenv ("BENCH_ONLY");   /* timeline, step or playback */

  /* The documents' journals and recent files go to a folder of the benchmark's own. */
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  gtk_init ();
  if (gdk_display_get_default () == NULL)
    {
      g_printerr ("No display: run under xvfb-run\n");
      return 1;
    }
  fixture_snapshots = read_fixtures (dir);
  heaps = build_heaps (dir);
  /* The application first: its start-up picks the renderer every window then uses. */
  app = GTK_APPLICATION (mpy_application_new (G_APPLICATION_NON_UNIQUE));
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_print ("GSK_RENDERER=%s\n", g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "(GTK's choice)");
  if (only == NULL || g_str_equal (only, "timeline"))
    {
      bench_timeline (fixture_snapshots, TRUE);
      bench_timeline (fixture_snapshots, FALSE);
    }
  if (only == NULL || g_str_equal (only, "step"))
    bench_step (app, heaps);
  if (only == NULL || g_str_equal (only, "playback"))
    bench_playback (app, heaps);
  g_clear_object (&app);
  remove_tree (home);
  return 0;
}
