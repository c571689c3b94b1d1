/* bench-timeline-view.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline and playback against the goals of issue 11:
 *  - redraw of the timeline with 10,000 snapshots (goal ≤ 8 ms): the chart is invalidated
 *    (as a new snapshot or another selection does), snapshotted and its node rendered with
 *    the window's GskRenderer; and a hover frame, which reuses the cached chart;
 *  - a playback frame on a 256 KB heap (goal 30 frames/s, 33 ms): the scrubber moves one
 *    frame (the document's selection becomes the next pair, the window computes the diff
 *    and updates canvas, figures and timeline) and the whole window is drawn.
 * The snapshots are the real unix-port dumps of tests/fixtures (8,096 blocks of 32 bytes),
 * in turn. Run under Xvfb:
 *   xvfb-run -a meson test -C _build --benchmark timeline-view -v
 */

#include <time.h>

#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-document.h"
#include "mpy-dump-reader.h"
#include "mpy-snapshot-item.h"
#include "mpy-timeline.h"
#include "mpy-window-testing.h"

#define N_SNAPSHOTS  10000
#define N_FRAMES     40
#define REDRAW_GOAL  8.0
#define FRAME_GOAL   (1000.0 / 30)

static const char *fixtures[] = {
  "unix-heap256k-after-soft-reset.txt",
  "unix-heap256k-after-alloc.txt",
  "unix-heap256k-after-del-gc.txt",
  "unix-heap256k-fragmented.txt",
  "unix-heap256k-heap-full.txt",
};

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        double     *ms,
        guint       n,
        double      goal)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    sum += ms[i];
  qsort (ms, n, sizeof (double), compare_doubles);
  g_print ("%-64s mean %6.2f ms  median %6.2f ms  p95 %6.2f ms  goal ≤ %.1f ms: %s\n", what,
           sum / n, ms[n / 2], ms[(guint) (n * 0.95)], goal, ms[n / 2] <= goal ? "met" : "NOT MET");
}

static void
wait_mapped (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) <= 0)
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static void
settle (void)
{
  for (int i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static double last_cpu_ms;   /* CPU time of the last draw_ms(): the machine's load left out */

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Snapshot @widget and render the node as the window would: the time of one frame. */
static double
draw_ms (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_ms ();

  if (MPY_IS_TIMELINE (widget))
    GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);   /* the widget's own drawing */
  else
    gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (g_getenv ("BENCH_SPLIT"))
    g_print ("snapshot %.2f ms\n", (g_get_monotonic_time () - start) / 1000.0);
  if (node == NULL)
    return (g_get_monotonic_time () - start) / 1000.0;   /* not shown in this frame */
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  last_cpu_ms = thread_cpu_ms () - cpu_start;
  return (g_get_monotonic_time () - start) / 1000.0;
}

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

/* @phased: 2,000 snapshots of each dump in turn (a program moving through phases); else
 * every snapshot another dump than the one before (the worst case for the lines). */
static void
bench_redraw (GPtrArray *fixture_snapshots,
              gboolean   phased)
{
  g_autoptr(GListStore) store = g_list_store_new (MPY_TYPE_SNAPSHOT_ITEM);
  g_autoptr(GtkSelectionModel) selection = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *window, *timeline;
  double ms[N_FRAMES], cpu[N_FRAMES], hover[N_FRAMES];
  gint64 start;

  for (guint i = 0; i < N_SNAPSHOTS; i++)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (1700000000 + i * 360 / 100);
      guint which = phased ? i * fixture_snapshots->len / N_SNAPSHOTS : i % fixture_snapshots->len;
      g_autoptr(MpySnapshot) s = mpy_snapshot_with_metadata (g_ptr_array_index (fixture_snapshots, which),
                                                             t, "log", NULL, NULL, 0);

      g_ptr_array_add (items, mpy_snapshot_item_new (s));
    }
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  selection = GTK_SELECTION_MODEL (gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (store))));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 160);
  timeline = mpy_timeline_new ();
  gtk_window_set_child (GTK_WINDOW (window), timeline);
  gtk_window_present (GTK_WINDOW (window));
  wait_mapped (timeline);
  settle ();

  start = g_get_monotonic_time ();
  mpy_timeline_set_model (MPY_TIMELINE (timeline), selection);
  g_print ("timeline: %u snapshots read into the chart in %.0f ms; chart %d x %d px\n", N_SNAPSHOTS,
           (g_get_monotonic_time () - start) / 1000.0,
           gtk_widget_get_width (timeline), gtk_widget_get_height (timeline));
  mpy_timeline_set_series_visible (MPY_TIMELINE (timeline), MPY_CHART_SERIES_FRAGMENTATION, TRUE);
  mpy_timeline_set_series_visible (MPY_TIMELINE (timeline), MPY_CHART_SERIES_ONE_BLOCKS, TRUE);
  settle ();

  for (guint f = 0; f < N_FRAMES; f++)
    {
      /* A new selection invalidates the cached chart: a full redraw. */
      gtk_selection_model_select_item (selection, (f * 97) % N_SNAPSHOTS, TRUE);
      ms[f] = draw_ms (timeline);
      cpu[f] = last_cpu_ms;
    }
  report (phased ? "timeline redraw, 10,000 snapshots in 5 phases, 4 series + area"
                 : "timeline redraw, 10,000 snapshots, each unlike the last (worst case)",
          ms, N_FRAMES, REDRAW_GOAL);
  report ("  the same, CPU time of the drawing thread", cpu, N_FRAMES, REDRAW_GOAL);

  for (guint f = 0; f < N_FRAMES; f++)
    {
      GtkEventController *motion = NULL;
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (timeline);

      for (guint c = 0; c < g_list_model_get_n_items (controllers) && motion == NULL; c++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, c);

          if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
            motion = controller;
        }
      g_signal_emit_by_name (motion, "motion", 100.0 + f * 10, 50.0);
      hover[f] = draw_ms (timeline);
    }
  report ("timeline hover frame (cached chart + hover line)", hover, N_FRAMES, REDRAW_GOAL);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
bench_playback (GPtrArray *fixture_snapshots)
{
  g_autoptr(GtkApplication) app = GTK_APPLICATION (mpy_application_new (G_APPLICATION_NON_UNIQUE));
  g_autoptr(GPtrArray) snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  MpyWindow *window;
  GtkRange *scale;
  double ms[N_FRAMES], step_ms[N_FRAMES], canvas_ms[N_FRAMES], cpu[N_FRAMES];

  g_application_register (G_APPLICATION (app), NULL, NULL);
  /* The first four share one layout (the full heap grew another area), so every frame is a diff. */
  for (guint i = 0; i < N_FRAMES + 1; i++)
    g_ptr_array_add (snapshots, mpy_snapshot_ref (g_ptr_array_index (fixture_snapshots, i % 4)));

  window = mpy_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  mpy_document_add (mpy_window_get_document (window), snapshots, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  wait_mapped (GTK_WIDGET (window));
  wait_mapped (mpy_window_get_heap_view (window));
  settle ();
  scale = mpy_window_get_playback_scale (window);
  gtk_range_set_value (scale, 0);
  settle ();

  for (guint f = 0; f < N_FRAMES; f++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu_start = thread_cpu_ms ();

      /* One step of the playback, as the timer does, then the window's frame. */
      gtk_range_set_value (scale, f + 1);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      step_ms[f] = (g_get_monotonic_time () - start) / 1000.0;
      cpu[f] = thread_cpu_ms () - cpu_start;
      canvas_ms[f] = draw_ms (mpy_window_get_heap_view (window));
      ms[f] = step_ms[f] + draw_ms (GTK_WIDGET (window));
      cpu[f] += last_cpu_ms;
      if (mpy_window_get_view_mode (window) != MPY_VIEW_DIFF)
        g_error ("frame %u shows no diff", f + 1);
    }
  report ("playback frame, 256 KB heap (8,096 blocks): step + window draw", ms, N_FRAMES, FRAME_GOAL);
  report ("  the same, CPU time of the main thread", cpu, N_FRAMES, FRAME_GOAL);
  report ("  of which the step (selection, diff, canvas, figures, timeline)", step_ms, N_FRAMES, FRAME_GOAL);
  report ("  the canvas alone, drawn", canvas_ms, N_FRAMES, FRAME_GOAL);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

int
main (int   argc,
      char *argv[])
{
  const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
  g_autoptr(GPtrArray) fixture_snapshots = NULL;

  gtk_init ();
  if (gdk_display_get_default () == NULL)
    {
      g_printerr ("No display: run under xvfb-run\n");
      return 1;
    }
  fixture_snapshots = read_fixtures (dir);
  bench_redraw (fixture_snapshots, TRUE);
  bench_redraw (fixture_snapshots, FALSE);
  bench_playback (fixture_snapshots);
  return 0;
}
