/* bench-timeline.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A long named log (10,000 dumps of an 8,128-block heap, each a little different from the one
 * before, with log_mem() markers, time: lines and a print between them): reading it, the named
 * log pass alone (labels, board times, console context), and drawing its timeline chart.
 */

#define _GNU_SOURCE   /* memmem */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cairo.h>

#include "mpy-bench.h"
#include "mpy-chart-renderer.h"
#include "mpy-dump-reader.h"
#include "mpy-named-log-private.h"

#define N_DUMPS   10000
#define N_BLOCKS  8128
#define ROUNDS    5

/* Thread CPU time: on a shared machine it shows the code's own cost. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static char *
build_log (gsize *length)
{
  GString *out = g_string_sized_new ((gsize) N_DUMPS * 9800);
  guint8 map[N_BLOCKS];
  static const char kinds[] = "h=TLDSAB..";
  guint32 seed = 1;

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
      g_string_append_printf (out, "step %u done\n*** Memory info step %u ***\n"
                              "time:%" G_GUINT64_FORMAT "\n", d, d,
                              G_GUINT64_CONSTANT (1796409001020000000) + (guint64) d * 350000000u);
      g_string_append_printf (out, "stack: 928 out of 80000\nGC: total: %u, used: %zu, free: %zu\n"
                              " No. of 1-blocks: 20, 2-blocks: 6, max blk sz: 9, max free sz: 43\n"
                              "GC memory layout; from 20000000:\n",
                              N_BLOCKS * 16, used * 16, (N_BLOCKS - used) * 16);
      for (guint l = 0; l < N_BLOCKS; l += 64)
        {
          g_string_append_printf (out, "%08x: ", l * 16);
          g_string_append_len (out, (const char *) map + l, MIN (64, N_BLOCKS - l));
          g_string_append_c (out, '\n');
        }
      g_string_append (out, "******************************\n");
    }
  *length = out->len;
  return g_string_free (out, FALSE);
}

int
main (void)
{
  gsize length;
  g_autofree char *text = build_log (&length);
  double t_read[ROUNDS], t_annotate[ROUNDS], t_chart[ROUNDS], t_layout[ROUNDS], t_redraw[ROUNDS];
  double c_annotate[ROUNDS], c_layout[ROUNDS], c_redraw[ROUNDS];
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1200, 300);
  MpyChartOptions options = MPY_CHART_OPTIONS_INIT;

  options.x_axis = MPY_CHART_X_TIME;
  for (guint r = 0; r < ROUNDS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (text, length, NULL);
      gint64 t1 = g_get_monotonic_time ();
      cairo_t *cr;

      g_assert (dumps != NULL && dumps->len == N_DUMPS);
      g_assert (g_str_equal (mpy_snapshot_get_label (g_ptr_array_index (dumps, N_DUMPS - 1)), "step 9999"));
      t_read[r] = (t1 - t0) / 1000.0;
      {
        /* The pass runs inside the read, dump by dump, on the text before each: found here
         * first (not timed), then the pass alone is timed on the same gaps. */
        g_autofree gsize *gaps = g_new (gsize, 2 * N_DUMPS);
        MpyNamedLog *log = _mpy_named_log_new ();
        gsize pos = 0;
        double c0;

        for (guint i = 0; i < N_DUMPS; i++)
          {
            MpySnapshot *dump = g_ptr_array_index (dumps, i);
            gsize raw_length = mpy_snapshot_get_raw_length (dump);
            const char *found = memmem (text + pos, length - pos, mpy_snapshot_get_raw_text (dump),
                                        raw_length);

            g_assert (found != NULL);
            gaps[2 * i] = pos;
            gaps[2 * i + 1] = found - text;
            pos = (found - text) + raw_length;
          }
        c0 = cpu_ms ();
        t1 = g_get_monotonic_time ();
        for (guint i = 0; i < N_DUMPS; i++)
          mpy_snapshot_unref (_mpy_named_log_annotate (log, g_ptr_array_index (dumps, i),
                                                       text + gaps[2 * i],
                                                       gaps[2 * i + 1] - gaps[2 * i]));
        c_annotate[r] = cpu_ms () - c0;
        t_annotate[r] = (g_get_monotonic_time () - t1) / 1000.0;
        _mpy_named_log_free (log);
      }

      {
        MpyChartLayout layout;

        double c0 = cpu_ms ();

        t0 = g_get_monotonic_time ();
        mpy_chart_layout_compute (&layout, dumps, &options, 1200, 300);
        t_layout[r] = (g_get_monotonic_time () - t0) / 1000.0;
        c_layout[r] = cpu_ms () - c0;
        cr = cairo_create (surface);
        c0 = cpu_ms ();
        t0 = g_get_monotonic_time ();
        mpy_chart_draw_layout (cr, &layout, &options, 1200, 300);
        t_redraw[r] = (g_get_monotonic_time () - t0) / 1000.0;
        c_redraw[r] = cpu_ms () - c0;
        cairo_destroy (cr);
        mpy_chart_layout_clear (&layout);
      }
      cr = cairo_create (surface);
      t0 = g_get_monotonic_time ();
      mpy_chart_draw (cr, dumps, &options, 1200, 300);
      t_chart[r] = (g_get_monotonic_time () - t0) / 1000.0;
      cairo_destroy (cr);
    }
  cairo_surface_destroy (surface);

  printf ("timeline benchmark: %d dumps of %d blocks, %.1f MB of named log, %d rounds\n",
          N_DUMPS, N_BLOCKS, length / 1e6, ROUNDS);
  printf ("read (named log pass included): median %.0f ms\n", mpy_bench_median (t_read, ROUNDS));
  printf ("named log pass alone:           median %.0f ms (CPU %.0f ms)\n",
          mpy_bench_median (t_annotate, ROUNDS), mpy_bench_median (c_annotate, ROUNDS));
  printf ("timeline chart, 1200x300 px:    median %.1f ms: its layout %.1f ms (CPU %.1f ms), a redraw "
          "from the layout %.1f ms (CPU %.1f ms)\n", mpy_bench_median (t_chart, ROUNDS),
          mpy_bench_median (t_layout, ROUNDS), mpy_bench_median (c_layout, ROUNDS),
          mpy_bench_median (t_redraw, ROUNDS), mpy_bench_median (c_redraw, ROUNDS));
  return 0;
}
