/* test-autosave-helper.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Used by test-session's kill -9 tests: adds snapshots labelled "capture 0", "capture 1", …
 * to an autosave journal, printing "added N" after each mpy_autosave_add() has returned;
 * then "done" and waits to be killed. Mode "forever" keeps adding every 20 ms.
 *
 *   test-autosave-helper JOURNAL DUMP-FILE COUNT|forever
 *
 * With --save (and --save-named, which saves as where O_TMPFILE is missing) it saves a
 * session of 400 copies of the dump to SESSION over and over, printing "saving N" before
 * each save, until killed:
 *
 *   test-autosave-helper --save|--save-named SESSION DUMP-FILE
 */

#include <stdio.h>
#include <stdlib.h>

#include "mpy-autosave.h"
#include "mpy-dump-reader.h"
#include "mpy-session-private.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MpySnapshot) dump = NULL;
  g_autoptr(MpyAutosave) autosave = NULL;
  gboolean forever;
  guint count;

  if (argc != 4)
    {
      g_printerr ("usage: %s JOURNAL DUMP-FILE COUNT|forever\n", argv[0]);
      return 2;
    }
  if (g_str_equal (argv[1], "--save") || g_str_equal (argv[1], "--save-named"))
    {
      g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (argv[3], &error);
      g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

      if (dumps == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      mpy_session_test_no_tmpfile = g_str_equal (argv[1], "--save-named");
      for (guint i = 0; i < 400; i++)
        g_ptr_array_add (list, mpy_snapshot_ref (g_ptr_array_index (dumps, 0)));
      for (guint n = 0;; n++)
        {
          printf ("saving %u\n", n);
          fflush (stdout);
          if (!mpy_session_write_file (argv[2], list, &error))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
        }
    }
  forever = g_str_equal (argv[3], "forever");
  count = forever ? G_MAXUINT : (guint) atoi (argv[3]);

  {
    g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (argv[2], &error);

    if (dumps == NULL)
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
    dump = mpy_snapshot_ref (g_ptr_array_index (dumps, 0));
  }

  autosave = mpy_autosave_new (argv[1]);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *label = g_strdup_printf ("capture %u", i);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(MpySnapshot) snapshot =
        mpy_snapshot_with_metadata (dump, now, label, "/dev/ttyACM0", NULL, MPY_SNAPSHOT_FLAG_GC);

      mpy_autosave_add (autosave, snapshot);
      printf ("added %u\n", i);
      fflush (stdout);
      if (forever)
        g_usleep (20 * 1000);
    }

  printf ("done\n");
  fflush (stdout);
  for (;;)
    g_usleep (G_USEC_PER_SEC);

  return 0;
}
