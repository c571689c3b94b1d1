/* mpy-cli-render.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `mpymemmap-cli render`: a dump or a diff as a PNG, or successive dumps as an animated GIF
 * (--animate).
 */

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpy-chart-renderer.h"
#include "mpy-cli-common.h"
#include "mpy-cli-json.h"
#include "mpy-cli-text.h"
#include "mpy-cli-timeline.h"
#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-fit.h"
#include "mpy-gif.h"
#include "mpy-leak.h"
#include "mpy-metric.h"
#include "mpy-renderer.h"
#include "mpy-session.h"
#include "mpy-stats.h"

static const char *prgname = MPY_CLI_PRGNAME;

/* ------------------------------------------------------------------------------------------
 * render
 */

/* The frames of `render --animate`: every dump of each FILE, or the one dump of FILE:N, in
 * the order given. NULL (the message printed) when one cannot be read or holds no dump. */
static GPtrArray *
load_animation_frames (GStrv args)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(GPtrArray) dumps = mpy_cli_load_dump_refs ((const char * const *) args, TRUE);

  if (dumps == NULL)
    return NULL;
  for (guint i = 0; i < dumps->len; i++)
    {
      MpyCliDump *dump = g_ptr_array_index (dumps, i);
      g_autofree char *base = NULL;
      g_autofree char *label = NULL;

      if (mpy_snapshot_is_damaged (dump->snapshot))
        fprintf (stderr, _("%s: warning: %s:%u is damaged (%s); its map may be incomplete\n"),
                 prgname, dump->file, dump->index,
                 mpy_snapshot_get_damage_reason (dump->snapshot) ? mpy_snapshot_get_damage_reason (dump->snapshot)
                                                                 : _("map and header disagree"));
      /* Each frame says what it shows: a dump without a label is named after its file. */
      if (mpy_snapshot_get_label (dump->snapshot) != NULL)
        {
          g_ptr_array_add (frames, mpy_snapshot_ref (dump->snapshot));
          continue;
        }
      base = g_path_get_basename (dump->file);
      label = dump->n_in_file > 1 ? g_strdup_printf ("%s:%u", base, dump->index) : g_steal_pointer (&base);
      g_ptr_array_add (frames, mpy_snapshot_with_label (dump->snapshot, label));
    }
  return g_steal_pointer (&frames);
}

/* `render --animate`: the playback of successive diffs as an animated GIF. */
static int
render_animation (GStrv                   args,
                  const char             *output,
                  const MpyRenderOptions *options,
                  double                  scale,
                  int                     delay_ms)
{
  g_autoptr(GPtrArray) frames = load_animation_frames (args);
  g_autoptr(GError) error = NULL;

  if (frames == NULL)
    return EXIT_INPUT;
  if (scale == -1)
    {
      guint max_scale = mpy_gif_get_max_scale (frames, options, 4);

      scale = max_scale >= 1 ? (double) max_scale : 4.0;
    }
  if (!mpy_gif_write_animation (frames, options, scale, (guint) delay_ms, output, NULL, NULL, NULL, &error))
    {
      if (g_error_matches (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE))
        mpy_cli_fail ("%s", mpy_cli_describe_error (error));
      else
        mpy_cli_fail ("%s: %s", args[0], mpy_cli_describe_error (error));
      return EXIT_INPUT;
    }
  return EXIT_OK;
}

int
mpy_cli_render (int    argc,
                char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *diff_with = NULL;
  g_auto(GStrv) args = NULL;
  int columns = 1;
  double scale = -1;   /* not given: 4, or less when the picture would not fit */
  gboolean rainbow = FALSE, show_free = FALSE, dark = FALSE, animate = FALSE;
  int delay_ms = 500;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PNG (or, with --animate, GIF) file to write (required)"), "OUT.png" },
    { "animate", 'a', 0, G_OPTION_ARG_NONE, &animate,
      N_("Write an animated GIF of every dump of FILE… in order, each frame the diff against the one before"), NULL },
    { "delay", 0, 0, G_OPTION_ARG_INT, &delay_ms, N_("With --animate: milliseconds per frame (default 500)"), "MS" },
    { "diff-with", 'd', 0, G_OPTION_ARG_FILENAME, &diff_with,
      N_("Draw the changes from this earlier dump (before) to FILE (after)"), "FILE2[:N]" },
    { "columns", 'c', 0, G_OPTION_ARG_INT, &columns, N_("Blocks per row = 64 × N (default 1)"), "N" },
    { "scale", 's', 0, G_OPTION_ARG_DOUBLE, &scale, N_("Pixels per block (default 4, or the largest that fits)"), "PX" },
    { "rainbow", 'r', 0, G_OPTION_ARG_NONE, &rainbow, N_("Alternate two shades per object"), NULL },
    { "show-free", 'f', 0, G_OPTION_ARG_NONE, &show_free, N_("Draw free blocks in grey instead of the background"), NULL },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, N_("Use the dark palette"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = mpy_cli_command_context (
            N_("FILE[:N] -o OUT.png — draw a dump (or a diff) as a PNG"), entries,
            N_("Draws the heap map with a header of figures and a legend. With --diff-with, the picture\n"
            "shows FILE compared with FILE2: unchanged, allocated, freed and changed blocks.\n"
            "With --animate FILE… -o OUT.gif: one frame per dump, each the diff against the dump\n"
            "before it (the first, and any dump of another layout, is drawn alone)."),
            mpy_cli_index_help);
  g_autoptr(GError) error = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autoptr(MpySnapshot) before = NULL;
  g_autoptr(MpyDiff) diff = NULL;
  MpyRenderOptions options = MPY_RENDER_OPTIONS_INIT;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mpy_cli_usage_error ("%s", error->message);
  if (animate && (args == NULL || args[0] == NULL))
    return mpy_cli_usage_error (_("give the dumps to animate: render --animate FILE… -o OUT.gif"));
  if (animate && diff_with != NULL)
    return mpy_cli_usage_error (_("--animate draws each dump against the one before it: leave out --diff-with"));
  if (animate && (delay_ms < 10 || delay_ms > 655350))
    return mpy_cli_usage_error (_("--delay must be between 10 and 655350 ms, not %d"), delay_ms);
  if (!animate && (args == NULL || g_strv_length (args) != 1))
    return mpy_cli_usage_error (_("give exactly one dump to draw"));
  if (output == NULL || *output == '\0')
    return mpy_cli_usage_error ("%s", animate ? _("give the GIF file to write with -o OUT.gif")
                                              : _("give the PNG file to write with -o OUT.png"));
  if (columns < 1 || columns > 1024)
    return mpy_cli_usage_error (_("--columns must be between 1 and 1024, not %d"), columns);
  if (scale != -1 && (!(scale > 0) || scale > 32767))
    return mpy_cli_usage_error (_("--scale must be a number of pixels per block above 0, not %g"), scale);

  options.columns = (guint) columns;
  options.rainbow = rainbow;
  options.show_free = show_free;
  options.dark = dark;
  if (animate)
    return render_animation (args, output, &options, scale, delay_ms);

  snapshot = mpy_cli_load_dump_ref (args[0]);
  if (snapshot == NULL)
    return EXIT_INPUT;
  if (diff_with != NULL)
    {
      before = mpy_cli_load_dump_ref (diff_with);
      if (before == NULL)
        return EXIT_INPUT;
      diff = mpy_cli_compare_dumps (before, snapshot, diff_with, args[0]);
      if (diff == NULL)
        return EXIT_INPUT;
    }

  if (scale == -1)
    {
      /* A big heap at the default scale would exceed what an image can hold: shrink it,
       * rather than mpy_cli_fail, since the user did not ask for a size. */
      guint max_scale = mpy_renderer_get_max_scale (snapshot, diff, &options);

      scale = max_scale >= 1 ? MIN (4.0, (double) max_scale) : 4.0;
    }

  if (!mpy_renderer_write_png (snapshot, diff, &options, scale, output, &error))
    {
      if (g_error_matches (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE))
        {
          g_autofree char *message = mpy_cli_name_target_not_temp (mpy_cli_describe_error (error), output);

          mpy_cli_fail ("%s: %s", output, message);
        }
      else
        mpy_cli_fail ("%s: %s", args[0], mpy_cli_describe_error (error));
      return EXIT_INPUT;
    }
  return EXIT_OK;
}
