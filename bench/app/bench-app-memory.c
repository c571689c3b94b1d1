/* bench-app-memory.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Long sessions in the application (issue 11: the document of a 10,000-dump log within
 * 48 MB over the window's empty start): a real MpyWindow under Xvfb opens the console log
 * of bench/core/bench-long-log.c (10,000 dumps of an 8,128-block heap, each a little
 * different from the one before, 93 MB), lets it settle (every row in the list, the journal
 * on disk), and reads the process's resident size (VmRSS, and Pss from smaps_rollup) and
 * malloc's bytes in use before and after, and the peak; then it selects every tenth
 * snapshot in turn, as a user stepping through them, and reports the largest size seen on
 * the way. Run under Xvfb:
 *   xvfb-run -a meson test -C _build --benchmark app-memory -v
 */

#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "mpy-application.h"
#include "mpy-document.h"
#include "mpy-test-app.h"
#include "mpy-window-testing.h"

#define N_DUMPS    10000
#define N_BLOCKS   8128
#define N_STEP     10
#define GOAL_MB    48.0

static MpyApplication *app;

typedef struct {
  double rss_mb;
  double hwm_mb;    /* the peak resident size so far */
  double pss_mb;
  double heap_mb;   /* malloc's bytes in use */
} Usage;

static double
read_kb (const char *path,
         const char *key)
{
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, key)) == NULL)
    return 0;
  return g_ascii_strtod (p + strlen (key), NULL);
}

/* Freed memory goes back to the system first, so that what is left is what is held. */
static Usage
usage_now (void)
{
  Usage u;
  struct mallinfo2 mi;

  malloc_trim (0);
  mi = mallinfo2 ();
  u.rss_mb = read_kb ("/proc/self/status", "VmRSS:") / 1024;
  u.hwm_mb = read_kb ("/proc/self/status", "VmHWM:") / 1024;
  u.pss_mb = read_kb ("/proc/self/smaps_rollup", "\nPss:") / 1024;
  u.heap_mb = (mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);
  return u;
}

static void
print_usage (const char *what,
             Usage       u,
             Usage       base)
{
  g_print ("%-44s RSS %6.1f MB (%+6.1f), Pss %6.1f MB (%+6.1f), malloc in use %6.1f MB (%+6.1f)\n",
           what, u.rss_mb, u.rss_mb - base.rss_mb, u.pss_mb, u.pss_mb - base.pss_mb,
           u.heap_mb, u.heap_mb - base.heap_mb);
}

/* The log of bench/core/bench-long-log.c: 20 blocks change before each dump. Written a dump
 * at a time, so that the process never holds the 93 MB (its peak size stays the window's). */
static void
write_log (const char *path)
{
  static const char kinds[] = "h=TLDSAB..";
  FILE *out = fopen (path, "w");
  guint8 map[N_BLOCKS];
  guint32 seed = 1;

  if (out == NULL)
    g_error ("cannot write %s", path);
  for (guint b = 0; b < N_BLOCKS; b++)
    map[b] = b % 3 == 0 ? '.' : b % 3 == 1 ? 'h' : '=';
  for (guint d = 0; d < N_DUMPS; d++)
    {
      gsize used = 0;

      for (guint k = 0; k < 20; k++)
        {
          seed = seed * 1103515245u + 12345u;
          map[(seed >> 8) % N_BLOCKS] = kinds[(seed >> 4) % (sizeof kinds - 1)];
        }
      for (guint b = 0; b < N_BLOCKS; b++)
        used += map[b] != '.';
      fprintf (out, "step %u done\n", d);
      fprintf (out, "stack: 928 out of 80000\nGC: total: %u, used: %zu, free: %zu\n"
               " No. of 1-blocks: 20, 2-blocks: 6, max blk sz: 9, max free sz: 43\n"
               "GC memory layout; from 20000000:\n",
               N_BLOCKS * 16, used * 16, (N_BLOCKS - used) * 16);
      for (guint l = 0; l < N_BLOCKS; l += 64)
        fprintf (out, "%05x: %.*s\n", l * 16, (int) MIN (64, N_BLOCKS - l), (const char *) map + l);
    }
  if (fclose (out) != 0)
    g_error ("cannot write %s", path);
}

typedef struct {
  MpyWindow *window;
  guint      n;
} RowCount;

static gboolean
has_rows (gpointer data)
{
  RowCount *count = data;

  return mpy_test_n_rows (count->window) == count->n;
}

static void
bench_open_and_step (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mpy-bench-memory-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "long.log", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  MpyWindow *window;
  GtkSelectionModel *selection;
  RowCount count;
  Usage empty, opened, stepped, peak = { 0 };
  gint64 start;
  double open_s, step_s;

  write_log (path);
  window = mpy_test_new_window (GTK_APPLICATION (app), FALSE);
  mpy_test_run_for (500);
  empty = usage_now ();
  print_usage ("empty window", empty, empty);

  start = g_get_monotonic_time ();
  mpy_window_open_files (window, &file, 1);
  count.window = window;
  count.n = N_DUMPS;
  if (!mpy_test_run_until (has_rows, &count, 300000))
    g_error ("the log did not open: %u rows", mpy_test_n_rows (window));
  open_s = (g_get_monotonic_time () - start) / 1e6;
  mpy_document_flush_journal (mpy_window_get_document (window));
  mpy_test_run_for (1000);
  opened = usage_now ();
  print_usage ("10,000 dumps open, settled", opened, empty);
  g_print ("%-44s %6.1f MB (%+6.1f over the empty start)\n", "peak RSS while opening",
           opened.hwm_mb, opened.hwm_mb - empty.rss_mb);

  /* A thousand snapshots in turn, every tenth, as a user stepping through them: the window
   * shows each. (Were their maps kept, 1,000 × 8 KB would show.) */
  selection = mpy_window_get_selection (window);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_DUMPS; i += N_STEP)
    {
      gtk_selection_model_select_item (selection, i, TRUE);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (mpy_window_get_shown_snapshot (window) != mpy_test_row (window, i))
        g_error ("snapshot %u is not shown", i);
      if (i % (50 * N_STEP) == 0)
        {
          Usage u = usage_now ();

          if (u.rss_mb > peak.rss_mb)
            peak = u;
        }
    }
  step_s = (g_get_monotonic_time () - start) / 1e6;
  mpy_test_run_for (500);
  stepped = usage_now ();
  print_usage ("stepping through all, the largest seen", peak, empty);
  print_usage ("after stepping through all", stepped, empty);
  g_print ("opened in %.1f s, stepped through %u snapshots in %.1f s (%.1f ms each)\n",
           open_s, N_DUMPS / N_STEP, step_s, step_s * 1000 / (N_DUMPS / N_STEP));
  g_print ("document of 10,000 dumps: %+.1f MB RSS over the empty start (goal %.0f MB): %s\n",
           opened.rss_mb - empty.rss_mb, GOAL_MB,
           opened.rss_mb - empty.rss_mb <= GOAL_MB ? "met" : "NOT MET");

  gtk_window_destroy (GTK_WINDOW (window));
  mpy_test_run_for (200);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  mpy_test_app_init (&argc, &argv);
  app = mpy_application_new (G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    g_error ("cannot register the application");
  g_test_add_func ("/bench/app/memory", bench_open_and_step);
  ret = g_test_run ();
  g_object_unref (app);
  mpy_test_app_cleanup ();
  return ret;
}
