/* mpy-make-sample.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Build-time helper: writes the bundled sample session from fixture dumps.
 * Usage: mpy-make-sample OUTPUT LABEL DUMP [LABEL DUMP]...
 */

#include <stdlib.h>

#include "mpy-dump-reader.h"
#include "mpy-session.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (argc < 4 || (argc - 2) % 2 != 0)
    {
      g_printerr ("usage: %s OUTPUT LABEL DUMP [LABEL DUMP]...\n", argv[0]);
      return EXIT_FAILURE;
    }

  snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  /* A fixed time keeps the build reproducible. */
  start = g_date_time_new_utc (2026, 1, 15, 10, 0, 0);

  for (int i = 2; i + 1 < argc; i += 2)
    {
      g_autoptr(GPtrArray) dumps = NULL;
      g_autoptr(GDateTime) time = NULL;
      MpySnapshot *first;

      dumps = mpy_dump_reader_read_file (argv[i + 1], &error);
      if (dumps == NULL || dumps->len == 0)
        {
          g_printerr ("%s: %s\n", argv[i + 1], error ? error->message : "no dump");
          return EXIT_FAILURE;
        }

      first = g_ptr_array_index (dumps, 0);
      time = g_date_time_add_minutes (start, (i - 2) / 2 * 3);
      g_ptr_array_add (snapshots,
                       mpy_snapshot_with_metadata (first, time, argv[i], "sample",
                                                   mpy_snapshot_get_banner (first),
                                                   mpy_snapshot_get_flags (first)));
    }

  text = mpy_session_to_text (snapshots, &length);
  if (!g_file_set_contents (argv[1], text, length, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
