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
#include <glib/gstdio.h>

#include "mpy-bench.h"
#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-renderer.h"

#define N_BLOCKS MPY_BENCH_N_BLOCKS
#define ROUNDS   31

static MpySnapshot *
build_snapshot (const char *dir,
                const char *name)
{
  g_autofree char *dump = mpy_bench_build_dump (dir, name);
  MpySnapshot *snapshot = mpy_dump_reader_read_one (dump, -1, NULL);

  g_assert (snapshot != NULL);
  if (mpy_snapshot_is_damaged (snapshot))
    g_error ("the benchmark dump is damaged: %s", mpy_snapshot_get_damage_reason (snapshot));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (snapshot), ==, N_BLOCKS);
  return snapshot;
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
  return mpy_bench_median (t, ROUNDS);
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
  return mpy_bench_median (t, ROUNDS);
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
  return mpy_bench_median (t, ROUNDS);
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
