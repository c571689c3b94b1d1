/* test-gif.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The animated GIF of successive diffs, decoded again with giflib's own reader (DGifSlurp):
 * one frame per dump, the screen as large as the largest picture, and the diff colours at
 * blocks whose change is read from the fixture text itself (mpy-test-map.h), not from the
 * diff code.
 */

#include <gif_lib.h>
#include <glib/gstdio.h>

#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-gif.h"
#include "mpy-palette.h"
#include "mpy-renderer.h"
#include "mpy-test-dirs.h"
#include "mpy-test-map.h"

static const char *steps[] = {
  "unix-heap256k-after-soft-reset.txt",
  "unix-heap256k-after-alloc.txt",
  "unix-heap256k-after-del-gc.txt",
};

static GPtrArray *
load_steps (TmDump **dumps)
{
  GPtrArray *snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *path = tm_fixture (steps[i]);
      g_autoptr(GPtrArray) read = mpy_dump_reader_read_file (path, NULL);
      g_autofree char *label = g_strdup_printf ("step %u", i);

      g_assert_nonnull (read);
      g_ptr_array_add (snapshots, mpy_snapshot_with_label (g_ptr_array_index (read, 0), label));
      if (dumps != NULL)
        dumps[i] = tm_dump_parse_file (path);
    }
  return snapshots;
}

static guint32
gif_pixel (GifFileType *gif,
           guint        frame,
           int          x,
           int          y)
{
  SavedImage *image = &gif->SavedImages[frame];
  ColorMapObject *map = image->ImageDesc.ColorMap ? image->ImageDesc.ColorMap : gif->SColorMap;
  GifColorType c;

  g_assert_nonnull (map);
  g_assert_cmpint (x, <, image->ImageDesc.Width);
  g_assert_cmpint (y, <, image->ImageDesc.Height);
  c = map->Colors[image->RasterBits[(gsize) y * image->ImageDesc.Width + x]];
  return ((guint32) c.Red << 16) | ((guint32) c.Green << 8) | c.Blue;
}

/* The centre of block @block's cell in a frame drawn at @scale. */
static void
block_centre (MpySnapshot            *snapshot,
              MpyDiff                *diff,
              const MpyRenderOptions *options,
              double                  scale,
              gsize                   block,
              int                    *x,
              int                    *y)
{
  double ox, oy;
  guint bx, by;

  mpy_renderer_get_map_origin (snapshot, diff, options, scale, &ox, &oy);
  mpy_layout_get_position (snapshot, options, block, &bx, &by);
  *x = (int) (ox + (bx + 0.5) * scale);
  *y = (int) (oy + (by + 0.5) * scale);
}

/* The first block that is free in @before's text and used in @after's (or the reverse). */
static gsize
first_block (const TmDump *before,
             const TmDump *after,
             gboolean      allocated)
{
  for (gsize b = 0; b < MIN (before->kinds->len, after->kinds->len); b++)
    {
      gboolean was_free = tm_is_free (before->kinds->str[b]);
      gboolean is_free = tm_is_free (after->kinds->str[b]);

      if (allocated ? (was_free && !is_free) : (!was_free && is_free))
        return b;
    }
  g_assert_not_reached ();
}

static void
count_progress (guint    done,
                guint    total,
                gpointer user_data)
{
  guint *calls = user_data;

  g_assert_cmpuint (done, ==, *calls + 1);
  g_assert_cmpuint (total, ==, G_N_ELEMENTS (steps));
  (*calls)++;
}

static void
test_gif_frames_and_colours (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-gif");
  g_autofree char *path = g_build_filename (dir, "play.gif", NULL);
  TmDump *dumps[G_N_ELEMENTS (steps)];
  g_autoptr(GPtrArray) snapshots = load_steps (dumps);
  MpyRenderOptions options = MPY_RENDER_OPTIONS_INIT;
  g_autoptr(GError) error = NULL;
  GifFileType *gif;
  int gif_error = 0, width = 0, height = 0;
  guint calls = 0;
  const double scale = 3;

  options.show_free = FALSE;
  g_assert_true (mpy_gif_write_animation (snapshots, &options, scale, 200, path, NULL,
                                          count_progress, &calls, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, G_N_ELEMENTS (steps));

  gif = DGifOpenFileName (path, &gif_error);
  g_assert_nonnull (gif);
  g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
  g_assert_cmpint (gif->ImageCount, ==, G_N_ELEMENTS (steps));

  /* The screen holds the largest frame; every frame covers it. */
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(MpyDiff) diff = i > 0 ? mpy_diff_new (g_ptr_array_index (snapshots, i - 1),
                                                      g_ptr_array_index (snapshots, i), NULL) : NULL;
      int w, h;

      g_assert_true (i == 0 || diff != NULL);
      mpy_renderer_get_size (g_ptr_array_index (snapshots, i), diff, &options, scale, &w, &h);
      width = MAX (width, w);
      height = MAX (height, h);
      g_assert_cmpint (gif->SavedImages[i].ImageDesc.Width, ==, gif->SWidth);
      g_assert_cmpint (gif->SavedImages[i].ImageDesc.Height, ==, gif->SHeight);
    }
  g_assert_cmpint (gif->SWidth, ==, width);
  g_assert_cmpint (gif->SHeight, ==, height);

  /* Frame 0 is the first snapshot alone: a used block in its kind's colour. */
  {
    MpySnapshot *s0 = g_ptr_array_index (snapshots, 0);
    gsize block = 0;
    int x, y;

    while (tm_is_free (dumps[0]->kinds->str[block]) || tm_is_tail (dumps[0]->kinds->str[block]))
      block++;
    block_centre (s0, NULL, &options, scale, block, &x, &y);
    g_assert_cmphex (gif_pixel (gif, 0, x, y), ==,
                     mpy_palette_get_kind_color (dumps[0]->kinds->str[block], FALSE));
  }
  /* Frame 1: 0 → 1, a block the text shows allocated; frame 2: 1 → 2, one it shows freed. */
  for (guint i = 1; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(MpyDiff) diff = mpy_diff_new (g_ptr_array_index (snapshots, i - 1),
                                              g_ptr_array_index (snapshots, i), NULL);
      gboolean allocated = i == 1;
      gsize block = first_block (dumps[i - 1], dumps[i], allocated);
      int x, y;

      block_centre (g_ptr_array_index (snapshots, i), diff, &options, scale, block, &x, &y);
      g_assert_cmphex (gif_pixel (gif, i, x, y), ==,
                       mpy_palette_get_diff_color (allocated ? MPY_DIFF_ALLOCATED : MPY_DIFF_FREED, FALSE));
    }
  /* Looping, 200 ms a frame. */
  {
    GraphicsControlBlock gcb;

    g_assert_cmpint (DGifSavedExtensionToGCB (gif, 1, &gcb), ==, GIF_OK);
    g_assert_cmpint (gcb.DelayTime, ==, 20);
  }

  DGifCloseFile (gif, &gif_error);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    tm_dump_free (dumps[i]);
  mpy_test_remove_tree (dir);
}

/* Only figures-only dumps: nothing to draw, said plainly, nothing written. A cancelled
 * export leaves no file either, and an existing file untouched. */
static void
test_gif_refusals (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-gif");
  g_autofree char *path = g_build_filename (dir, "out.gif", NULL);
  g_autofree char *noarg = tm_fixture ("unix-heap256k-meminfo-noarg.txt");
  g_autoptr(GPtrArray) read = mpy_dump_reader_read_file (noarg, NULL);
  g_autoptr(GPtrArray) snapshots = load_steps (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (read);
  g_assert_false (mpy_gif_write_animation (read, NULL, 2, 100, path, NULL, NULL, NULL, &error));
  g_assert_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_NO_MAP);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_false (mpy_gif_write_animation (snapshots, NULL, 2, 100, path, cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A cancelled export over an existing file keeps that file as it was. */
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_set_contents (path, "old", -1, NULL));
    g_assert_false (mpy_gif_write_animation (snapshots, NULL, 2, 100, path, cancellable, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "old");
    g_unlink (path);
  }

  /* A figures-only dump among maps is a frame of its own; the next map is drawn alone. */
  g_ptr_array_insert (snapshots, 1, mpy_snapshot_ref (g_ptr_array_index (read, 0)));
  g_assert_null (mpy_gif_frame_diff (snapshots, 1, NULL));
  g_assert_null (mpy_gif_frame_diff (snapshots, 2, NULL));
  g_assert_true (mpy_gif_write_animation (snapshots, NULL, 2, 100, path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    int gif_error = 0;
    GifFileType *gif = DGifOpenFileName (path, &gif_error);

    g_assert_nonnull (gif);
    g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
    g_assert_cmpint (gif->ImageCount, ==, 4);
    DGifCloseFile (gif, &gif_error);
  }
  mpy_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/gif/frames-and-diff-colours", test_gif_frames_and_colours);
  g_test_add_func ("/render/gif/refusals", test_gif_refusals);

  return g_test_run ();
}
