/* bench-render.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The renderer on a consistent 1,048,576-block dump: the block image (plain, rainbow, diff)
 * and the whole picture at 1 px per block, medians in-process. The dump is built from the
 * block lines of a real fixture, tiled, with the header fixed up to match the map.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-renderer.h"
#include "mpy-stats.h"

#define N_BLOCKS (1024 * 1024)
#define N_LINES  (N_BLOCKS / 64)
#define BPB      16
#define ROUNDS   31

static GPtrArray *
fixture_lines (const char *dir,
               const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strchomp (lines[i]);
      if (strlen (lines[i]) == 8 + 2 + 64 && lines[i][8] == ':')
        g_ptr_array_add (out, g_strdup (lines[i] + 10));
    }
  g_assert (out->len > 0);
  return out;
}

/* Reads the tiled map once with a placeholder header, then re-reads it with the header the
 * firmware would have printed, so the snapshot is consistent (not damaged). */
static MpySnapshot *
build_snapshot (const char *dir,
                const char *name)
{
  g_autoptr(GPtrArray) src = fixture_lines (dir, name);
  g_autoptr(GString) map = g_string_sized_new ((gsize) N_LINES * 76);
  g_autofree char *draft = NULL;
  g_autofree char *dump = NULL;
  g_autoptr(MpySnapshot) s = NULL;
  MpySnapshot *snapshot;
  MpyStats st;

  g_string_append (map, "GC memory layout; from 20000000:\r\n");
  for (guint l = 0; l < N_LINES; l++)
    g_string_append_printf (map, "%08x: %s\r\n", l * 64 * BPB,
                            (const char *) g_ptr_array_index (src, l % src->len));
  draft = g_strconcat ("stack: 508 out of 15360\r\nGC: total: 0, used: 0, free: 0\r\n", map->str, NULL);
  s = mpy_dump_reader_read_one (draft, -1, NULL);
  g_assert (s != NULL);
  mpy_stats_compute (s, &st);
  dump = g_strdup_printf ("stack: 508 out of 15360\r\n"
                          "GC: total: %zu, used: %zu, free: %zu\r\n"
                          " No. of 1-blocks: %zu, 2-blocks: %zu, max blk sz: %zu, max free sz: %zu\r\n%s",
                          st.n_blocks * BPB, st.used_blocks * BPB, st.free_blocks * BPB,
                          st.one_block_objects, st.two_block_objects, st.largest_object,
                          st.largest_free_run, map->str);
  snapshot = mpy_dump_reader_read_one (dump, -1, NULL);
  g_assert (snapshot != NULL);
  if (mpy_snapshot_is_damaged (snapshot))
    g_error ("the benchmark dump is damaged: %s", mpy_snapshot_get_damage_reason (snapshot));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (snapshot), ==, N_BLOCKS);
  return snapshot;
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return v[n / 2];
}

static double
time_block_image (MpySnapshot            *snapshot,
                  MpyDiff                *diff,
                  const MpyRenderOptions *options)
{
  double t[ROUNDS];

  for (guint r = 0; r < ROUNDS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cairo_surface_t *image = mpy_renderer_create_block_image (snapshot, diff, options);

      t[r] = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert (cairo_surface_status (image) == CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (image);
    }
  return median (t, ROUNDS);
}

/* The whole picture (header, map, legend) drawn by mpy_renderer_draw() into a surface of
 * mpy_renderer_get_size(). With @reuse the surface is made once, as a canvas or an export
 * loop would; without it every round allocates (and page-faults in) a fresh surface. */
static double
time_full (MpySnapshot            *snapshot,
           MpyDiff                *diff,
           const MpyRenderOptions *options,
           double                  scale,
           gboolean                reuse,
           int                    *width,
           int                    *height)
{
  double t[ROUNDS];
  cairo_surface_t *kept = NULL;

  mpy_renderer_get_size (snapshot, diff, options, scale, width, height);
  if (reuse)
    kept = cairo_image_surface_create (CAIRO_FORMAT_RGB24, *width, *height);

  for (guint r = 0; r < ROUNDS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cairo_surface_t *surface;
      cairo_t *cr;

      mpy_renderer_get_size (snapshot, diff, options, scale, width, height);
      surface = reuse ? cairo_surface_reference (kept)
                      : cairo_image_surface_create (CAIRO_FORMAT_RGB24, *width, *height);
      cr = cairo_create (surface);
      mpy_renderer_draw (cr, snapshot, diff, options, scale);
      cairo_surface_flush (surface);
      t[r] = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert (cairo_status (cr) == CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  if (kept != NULL)
    cairo_surface_destroy (kept);
  return median (t, ROUNDS);
}

/* Grid and outlines for a zoomed-in 1920 × 1080 canvas at 8 px per block, 1024 blocks per
 * row, scrolled into the middle of the heap (the canvas clips to what it shows). */
static double
time_outlines (MpySnapshot *snapshot)
{
  MpyRenderOptions options = { 16, FALSE, TRUE, FALSE };
  const double scale = 8;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1920, 1080);
  double t[ROUNDS];
  guint first_row = 400, n_rows = (guint) (1080 / scale) + 1;

  for (guint r = 0; r < ROUNDS; r++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 t0;

      cairo_rectangle (cr, 0, 0, 1920, 1080);
      cairo_clip (cr);
      cairo_translate (cr, -3000, -(double) first_row * scale);
      t0 = g_get_monotonic_time ();
      mpy_renderer_draw_outlines (cr, snapshot, NULL, &options, scale, first_row, n_rows);
      cairo_surface_flush (surface);
      t[r] = (g_get_monotonic_time () - t0) / 1000.0;
      cairo_destroy (cr);
    }
  cairo_surface_destroy (surface);
  return median (t, ROUNDS);
}

int
main (int   argc,
      char *argv[])
{
  const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
  g_autoptr(MpySnapshot) a = build_snapshot (dir, "qemu-mps2-an385-after-alloc.txt");
  g_autoptr(MpySnapshot) b = build_snapshot (dir, "qemu-mps2-an385-fragmented.txt");
  g_autoptr(MpyDiff) diff = mpy_diff_new (a, b, NULL);
  MpyRenderOptions plain = { 1, FALSE, TRUE, FALSE };
  MpyRenderOptions rainbow = { 1, TRUE, TRUE, FALSE };
  MpyRenderOptions wide = { 16, FALSE, TRUE, FALSE };
  g_autofree char *png = NULL;
  double t_outlines, t_plain, t_rainbow, t_diff, t_full, t_full_alloc, t_full_wide, t_full_diff, t_png;
  int w, h, ww, wh, dw, dh;

  g_assert (diff != NULL);

  t_plain = time_block_image (b, NULL, &plain);
  t_rainbow = time_block_image (b, NULL, &rainbow);
  t_diff = time_block_image (NULL, diff, &plain);
  t_outlines = time_outlines (b);
  t_full = time_full (b, NULL, &plain, 1, TRUE, &w, &h);
  t_full_alloc = time_full (b, NULL, &plain, 1, FALSE, &w, &h);
  t_full_wide = time_full (b, NULL, &wide, 1, TRUE, &ww, &wh);
  t_full_diff = time_full (NULL, diff, &wide, 1, TRUE, &dw, &dh);

  {
    g_autoptr(GError) error = NULL;
    int fd = g_file_open_tmp ("bench-render-XXXXXX.png", &png, &error);
    gint64 t0;

    g_assert_no_error (error);
    close (fd);
    t0 = g_get_monotonic_time ();
    if (!mpy_renderer_write_png (b, NULL, &wide, 1, png, &error))
      g_error ("%s", error->message);
    t_png = (g_get_monotonic_time () - t0) / 1000.0;
    g_unlink (png);
  }

  printf ("render benchmark: %d blocks, %d rounds, medians in-process\n", N_BLOCKS, ROUNDS);
  printf ("block image, plain:            %6.2f ms (target <= 20 ms)\n", t_plain);
  printf ("block image, rainbow:          %6.2f ms\n", t_rainbow);
  printf ("block image, diff:             %6.2f ms\n", t_diff);
  printf ("full picture 1 px/block, 64 per row (%d x %d px):                %6.2f ms (target <= 20 ms)\n", w, h, t_full);
  printf ("  the same with a fresh %d x %d surface every round:                 %6.2f ms\n", w, h, t_full_alloc);
  printf ("full picture 1 px/block, 1024 per row (%d x %d px):              %6.2f ms\n", ww, wh, t_full_wide);
  printf ("full diff picture 1 px/block, 1024 per row (%d x %d px):         %6.2f ms\n", dw, dh, t_full_diff);
  printf ("grid + outlines, 1920 x 1080 canvas at 8 px/block, 1024 per row: %6.2f ms\n", t_outlines);
  printf ("PNG file 1 px/block, 1024 per row (one run, zlib included): %6.2f ms\n", t_png);
  return 0;
}
