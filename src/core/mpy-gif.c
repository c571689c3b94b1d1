/* mpy-gif.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Playback as an animated GIF (giflib). Each frame is the renderer's picture in an image
 * surface; the picture is drawn without antialiasing, so its pixels are exactly the
 * palette's colours and quantising is a lookup, not an approximation.
 */

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include <gif_lib.h>

#include "mpy-diff.h"
#include "mpy-gif.h"
#include "mpy-palette.h"
#include "mpy-renderer.h"
#include "mpy-renderer-private.h"

#define GIF_MAX_SIDE 65535

MpyDiff *
mpy_gif_frame_diff (GPtrArray  *snapshots,
                    guint       index,
                    GError    **error)
{
  MpySnapshot *before, *after;

  g_return_val_if_fail (snapshots != NULL, NULL);
  g_return_val_if_fail (index < snapshots->len, NULL);

  if (index == 0)
    return NULL;
  before = g_ptr_array_index (snapshots, index - 1);
  after = g_ptr_array_index (snapshots, index);
  if (!mpy_snapshot_has_map (before) || !mpy_snapshot_has_map (after))
    {
      g_set_error_literal (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_NO_MAP,
                           _("one of the two dumps has no block map"));
      return NULL;
    }
  return mpy_diff_new (before, after, error);
}

static void
frame_size (GPtrArray              *snapshots,
            guint                   index,
            const MpyRenderOptions *options,
            double                  scale,
            int                    *width,
            int                    *height)
{
  g_autoptr(MpyDiff) diff = mpy_gif_frame_diff (snapshots, index, NULL);

  mpy_renderer_get_size (g_ptr_array_index (snapshots, index), diff, options, scale, width, height);
}

guint
mpy_gif_get_max_scale (GPtrArray              *snapshots,
                       const MpyRenderOptions *options,
                       guint                   wanted)
{
  guint best = wanted;

  g_return_val_if_fail (snapshots != NULL, 0);

  for (guint i = 0; i < snapshots->len && best > 0; i++)
    {
      MpySnapshot *snapshot = g_ptr_array_index (snapshots, i);
      g_autoptr(MpyDiff) diff = mpy_gif_frame_diff (snapshots, i, NULL);

      if (mpy_snapshot_has_map (snapshot))
        best = MIN (best, mpy_renderer_get_max_scale (snapshot, diff, options));
    }
  return best;
}

/* Colours to palette indexes: exact, in order of first use; past 256 (never for the
 * renderer's own drawing) the nearest colour already in the palette. */
typedef struct {
  GHashTable     *index;       /* rgb + 1 → index + 1 */
  GifColorType    colors[256];
  guint           n_colors;
} Quantiser;

static guint8
quantise (Quantiser *q,
          guint32    rgb)
{
  gpointer found = g_hash_table_lookup (q->index, GUINT_TO_POINTER (rgb + 1));
  guint best = 0;
  guint best_distance = G_MAXUINT;

  if (found != NULL)
    return (guint8) (GPOINTER_TO_UINT (found) - 1);

  if (q->n_colors < 256)
    {
      best = q->n_colors++;
      q->colors[best].Red = (rgb >> 16) & 0xff;
      q->colors[best].Green = (rgb >> 8) & 0xff;
      q->colors[best].Blue = rgb & 0xff;
    }
  else
    for (guint i = 0; i < 256; i++)
      {
        int dr = q->colors[i].Red - (int) ((rgb >> 16) & 0xff);
        int dg = q->colors[i].Green - (int) ((rgb >> 8) & 0xff);
        int db = q->colors[i].Blue - (int) (rgb & 0xff);
        guint d = (guint) (dr * dr + dg * dg + db * db);

        if (d < best_distance)
          {
            best_distance = d;
            best = i;
          }
      }
  g_hash_table_insert (q->index, GUINT_TO_POINTER (rgb + 1), GUINT_TO_POINTER (best + 1));
  return (guint8) best;
}

/* Where giflib's bytes go: the file's output stream, as they come (a GIF of 10,000 frames
 * is never held in memory). */
typedef struct {
  GOutputStream *out;
  GError        *error;
} GifSink;

static int
write_sink (GifFileType       *gif,
            const GifByteType *data,
            int                length)
{
  GifSink *sink = gif->UserData;

  if (sink->error != NULL)
    return 0;
  if (!g_output_stream_write_all (sink->out, data, (gsize) length, NULL, NULL, &sink->error))
    return 0;
  return length;
}

static void
set_gif_error (GError    **error,
               int         code,
               const char *path)
{
  const char *reason = GifErrorString (code);

  g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
               _("Could not write the GIF “%s”: %s"), path, reason ? reason : _("unknown error"));
}

static gboolean
put_frame (GifFileType            *gif,
           MpySnapshot            *snapshot,
           MpyDiff                *diff,
           const MpyRenderOptions *options,
           double                  scale,
           int                     width,
           int                     height,
           guint                   delay_ms,
           guint8                 *row,
           const char             *path,
           GError                **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_font_options_t *font_options;
  cairo_t *cr;
  Quantiser q = { 0 };
  ColorMapObject *map = NULL;
  GraphicsControlBlock gcb = { DISPOSE_DO_NOT, false, 0, NO_TRANSPARENT_COLOR };
  GifByteType extension[4];
  const guint8 *data;
  int stride, map_size;
  gboolean ok = FALSE;
  guint8 *indexes = NULL;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                   _("Could not create a %d × %d px frame: try a smaller scale"), width, height);
      cairo_surface_destroy (surface);
      return FALSE;
    }

  cr = cairo_create (surface);
  /* Hard edges and unsmoothed text: every pixel is one of the palette's colours. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  font_options = cairo_font_options_create ();
  cairo_font_options_set_antialias (font_options, CAIRO_ANTIALIAS_NONE);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_FULL);
  cairo_set_font_options (cr, font_options);
  cairo_font_options_destroy (font_options);
  {
    guint32 bg = mpy_palette_get_background (options->dark);

    cairo_set_source_rgb (cr, ((bg >> 16) & 0xff) / 255.0, ((bg >> 8) & 0xff) / 255.0, (bg & 0xff) / 255.0);
    cairo_paint (cr);
  }
  mpy_renderer_draw (cr, snapshot, diff, options, scale);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  q.index = g_hash_table_new (NULL, NULL);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  indexes = g_malloc ((gsize) width * height);
  for (int y = 0; y < height; y++)
    {
      const guint32 *pixels = (const guint32 *) (data + (gsize) y * stride);
      guint32 last = G_MAXUINT32;
      guint8 last_index = 0;

      for (int x = 0; x < width; x++)
        {
          guint32 rgb = pixels[x] & 0xffffff;

          if (rgb != last)
            {
              last = rgb;
              last_index = quantise (&q, rgb);
            }
          indexes[(gsize) y * width + x] = last_index;
        }
    }
  cairo_surface_destroy (surface);

  for (map_size = 2; map_size < (int) q.n_colors; map_size *= 2)
    ;
  map = GifMakeMapObject (map_size, NULL);
  memcpy (map->Colors, q.colors, sizeof (GifColorType) * q.n_colors);

  gcb.DelayTime = (int) ((delay_ms + 5) / 10);
  EGifGCBToExtension (&gcb, extension);
  if (EGifPutExtension (gif, GRAPHICS_EXT_FUNC_CODE, 4, extension) == GIF_ERROR ||
      EGifPutImageDesc (gif, 0, 0, width, height, false, map) == GIF_ERROR)
    {
      set_gif_error (error, gif->Error, path);
      goto out;
    }
  for (int y = 0; y < height; y++)
    {
      memcpy (row, indexes + (gsize) y * width, width);
      if (EGifPutLine (gif, row, width) == GIF_ERROR)
        {
          set_gif_error (error, gif->Error, path);
          goto out;
        }
    }
  ok = TRUE;

out:
  g_free (indexes);
  GifFreeMapObject (map);
  g_hash_table_unref (q.index);
  return ok;
}

gboolean
mpy_gif_write_animation (GPtrArray              *snapshots,
                         const MpyRenderOptions *options,
                         double                  scale,
                         guint                   delay_ms,
                         const char             *path,
                         GCancellable           *cancellable,
                         MpyGifProgressFunc      progress,
                         gpointer                user_data,
                         GError                **error)
{
  MpyRenderOptions defaults = MPY_RENDER_OPTIONS_INIT;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GCancellable) abort = NULL;
  g_autoptr(GError) local_error = NULL;
  GifSink sink = { NULL, NULL };
  gboolean existed;
  g_autofree guint8 *row = NULL;
  GifFileType *gif;
  int width = 1, height = 1, gif_error = 0;
  gboolean any_map = FALSE;
  static const GifByteType loop[] = { 1, 0, 0 };   /* sub-block 1: loop for ever */

  g_return_val_if_fail (snapshots != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (options == NULL)
    options = &defaults;

  for (guint i = 0; i < snapshots->len; i++)
    any_map |= mpy_snapshot_has_map (g_ptr_array_index (snapshots, i));
  if (!any_map)
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_NO_MAP,
                   _("None of these dumps has a block map to draw: capture them with micropython.mem_info(1)"));
      return FALSE;
    }
  if (!(scale > 0) || !isfinite (scale))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                   _("The scale must be a positive number of px per block, not %g"), scale);
      return FALSE;
    }

  /* One screen for all frames: the largest picture. */
  for (guint i = 0; i < snapshots->len; i++)
    {
      int w, h;

      frame_size (snapshots, i, options, scale, &w, &h);
      width = MAX (width, w);
      height = MAX (height, h);
    }
  if (width > GIF_MAX_SIDE || height > GIF_MAX_SIDE || width > MPY_RENDER_MAX_SIDE || height > MPY_RENDER_MAX_SIDE)
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE,
                   _("The frames would be %d × %d px, more than an image can hold: use a smaller scale (at most %u) or more columns"),
                   width, height, mpy_gif_get_max_scale (snapshots, options, (guint) ceil (scale)));
      return FALSE;
    }

  /* GIO's replace: an existing file is replaced on close (a temporary file, then a rename),
   * so a failed or cancelled export never leaves half a GIF in its place. */
  file = g_file_new_for_path (path);
  existed = g_file_query_exists (file, NULL);
  /* (GIO's replace opens an existing FIFO to look at it, and waits there for a writer) */
  if (_mpy_check_output_target (path, &local_error))
    out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &local_error);
  if (out == NULL)
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   _("Could not write the GIF: %s"), local_error->message);
      return FALSE;
    }
  sink.out = G_OUTPUT_STREAM (out);
  gif = EGifOpen (&sink, write_sink, &gif_error);
  if (gif == NULL)
    {
      set_gif_error (error, gif_error, path);
      goto abort;
    }
  EGifSetGifVersion (gif, true);
  row = g_malloc (width);

  if (EGifPutScreenDesc (gif, width, height, 8, 0, NULL) == GIF_ERROR ||
      EGifPutExtensionLeader (gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
      EGifPutExtensionBlock (gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
      EGifPutExtensionBlock (gif, 3, loop) == GIF_ERROR ||
      EGifPutExtensionTrailer (gif) == GIF_ERROR)
    {
      set_gif_error (error, gif->Error, path);
      goto fail;
    }

  for (guint i = 0; i < snapshots->len; i++)
    {
      MpySnapshot *snapshot = g_ptr_array_index (snapshots, i);
      g_autoptr(MpyDiff) diff = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      diff = mpy_gif_frame_diff (snapshots, i, NULL);
      if (!put_frame (gif, snapshot, diff, options, scale, width, height, delay_ms, row, path, error))
        goto fail;
      if (progress != NULL)
        progress (i + 1, snapshots->len, user_data);
    }

  if (EGifCloseFile (gif, &gif_error) == GIF_ERROR)
    {
      gif = NULL;
      if (sink.error != NULL)
        g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                     _("Could not write the GIF: %s"), sink.error->message);
      else
        set_gif_error (error, gif_error, path);
      goto abort;
    }
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &local_error))
    {
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   _("Could not write the GIF: %s"), local_error->message);
      g_clear_error (&sink.error);
      return FALSE;
    }
  return TRUE;

fail:
  if (sink.error != NULL && error != NULL && *error != NULL
      && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* giflib only says the write failed: say why. */
      g_clear_error (error);
      g_set_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE,
                   _("Could not write the GIF: %s"), sink.error->message);
    }
  EGifCloseFile (gif, &gif_error);
abort:
  /* Closing with a cancelled cancellable keeps the file that was there. */
  abort = g_cancellable_new ();
  g_cancellable_cancel (abort);
  g_output_stream_close (G_OUTPUT_STREAM (out), abort, NULL);
  if (!existed)
    g_file_delete (file, NULL, NULL);
  g_clear_error (&sink.error);
  return FALSE;
}
