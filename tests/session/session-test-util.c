/* session-test-util.c — shared by the session tests
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "session-test-util.h"

#include <string.h>

#include <glib/gstdio.h>

#include "mpy-dump-reader.h"

/* Helpers */

char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}

GPtrArray *
read_fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  GPtrArray *snapshots = mpy_dump_reader_read_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (snapshots);
  g_assert_cmpuint (snapshots->len, >=, 1);
  return snapshots;
}

MpySnapshot *
first_dump_of (const char *name)
{
  g_autoptr(GPtrArray) snapshots = read_fixture (name);

  return mpy_snapshot_ref (g_ptr_array_index (snapshots, 0));
}

guint
count_dir_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

char *
read_whole (const char *path,
            gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

void
write_whole (const char *path,
             const char *text,
             gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, length, &error);
  g_assert_no_error (error);
}

void
assert_same_text (const char *a,
                  const char *b)
{
  if (a == NULL || b == NULL)
    g_assert_true (a == b);
  else
    g_assert_cmpstr (a, ==, b);
}

/* Every piece a user could see, compared exactly. */
void
assert_same_snapshot (MpySnapshot *a,
                      MpySnapshot *b)
{
  GDateTime *ta = mpy_snapshot_get_time (a);
  GDateTime *tb = mpy_snapshot_get_time (b);

  assert_same_text (mpy_snapshot_get_label (a), mpy_snapshot_get_label (b));
  assert_same_text (mpy_snapshot_get_port (a), mpy_snapshot_get_port (b));
  assert_same_text (mpy_snapshot_get_banner (a), mpy_snapshot_get_banner (b));
  g_assert_cmpint (mpy_snapshot_get_flags (a), ==, mpy_snapshot_get_flags (b));

  g_assert_true ((ta == NULL) == (tb == NULL));
  if (ta != NULL)
    {
      g_assert_cmpint (g_date_time_to_unix (ta), ==, g_date_time_to_unix (tb));
      g_assert_cmpint (g_date_time_get_microsecond (ta), ==, g_date_time_get_microsecond (tb));
      g_assert_cmpint (g_date_time_get_utc_offset (ta), ==, g_date_time_get_utc_offset (tb));
    }

  g_assert_cmpmem (mpy_snapshot_get_raw_text (a), mpy_snapshot_get_raw_length (a),
                   mpy_snapshot_get_raw_text (b), mpy_snapshot_get_raw_length (b));

  g_assert_cmpint (mpy_snapshot_is_damaged (a), ==, mpy_snapshot_is_damaged (b));
  assert_same_text (mpy_snapshot_get_damage_reason (a), mpy_snapshot_get_damage_reason (b));
  g_assert_cmpint (mpy_snapshot_has_map (a), ==, mpy_snapshot_has_map (b));
  g_assert_cmpmem (mpy_snapshot_get_kinds (a), mpy_snapshot_get_n_blocks (a),
                   mpy_snapshot_get_kinds (b), mpy_snapshot_get_n_blocks (b));
  for (MpyFigure f = 0; f < MPY_N_FIGURES; f++)
    {
      guint64 va = 0, vb = 0;
      gboolean ha = mpy_snapshot_get_figure (a, f, &va);
      gboolean hb = mpy_snapshot_get_figure (b, f, &vb);

      g_assert_cmpint (ha, ==, hb);
      g_assert_cmpuint (va, ==, vb);
    }
}

void
assert_same_list (GPtrArray *a,
                  GPtrArray *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_same_snapshot (g_ptr_array_index (a, i), g_ptr_array_index (b, i));
}

GPtrArray *
new_list (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
}

/* A damaged dump: the fixture with its second block line removed. */
MpySnapshot *
make_damaged (void)
{
  g_autofree char *path = fixture_path ("qemu-mps2-an385-after-alloc.txt");
  g_autofree char *text = NULL;
  g_autoptr(GString) cut = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  MpySnapshot *snapshot;
  guint block_lines = 0;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* 8 hex digits and ": " start a block line */
      if (strlen (lines[i]) > 10 && lines[i][8] == ':' && g_ascii_isxdigit (lines[i][0])
          && ++block_lines == 2)
        continue;
      g_string_append (cut, lines[i]);
      if (lines[i + 1] != NULL)
        g_string_append_c (cut, '\n');
    }
  g_assert_cmpuint (block_lines, >=, 3);

  snapshot = mpy_dump_reader_read_one (cut->str, cut->len, &error);
  g_assert_no_error (error);
  g_assert_true (mpy_snapshot_is_damaged (snapshot));
  return snapshot;
}

/* Snapshots with every kind of metadata a session must keep. */
GPtrArray *
make_rich_list (void)
{
  GPtrArray *list = new_list ();
  g_autoptr(MpySnapshot) microbit = first_dump_of ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) unix_dump = first_dump_of ("unix-heap256k-fragmented.txt");
  g_autoptr(MpySnapshot) noarg = first_dump_of ("qemu-mps2-an385-meminfo-noarg.txt");
  g_autoptr(MpySnapshot) damaged = make_damaged ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) india = g_time_zone_new_offset (5 * 3600 + 30 * 60);
  g_autoptr(GTimeZone) west = g_time_zone_new_offset (-8 * 3600);
  g_autoptr(GDateTime) t1 = g_date_time_new (utc, 2026, 11, 25, 17, 2, 3.123456);
  g_autoptr(GDateTime) t2 = g_date_time_new (india, 2026, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) t3 = g_date_time_new (west, 1999, 12, 31, 23, 59, 59.999999);
  g_autoptr(GDateTime) t4 = g_date_time_new_from_unix_utc (1764090123);
  g_autoptr(GDateTime) t5 = g_date_time_add (t4, 1);

  g_ptr_array_add (list, mpy_snapshot_with_metadata (microbit, t1, "Before import",
                                                     "/dev/ttyACM0", "MicroPython v1.9.2 on 2017-09-01; micro:bit with nRF51822",
                                                     MPY_SNAPSHOT_FLAG_GC | MPY_SNAPSHOT_FLAG_RETRIED));
  g_ptr_array_add (list, mpy_snapshot_with_metadata (unix_dump, t2,
                                                     "two\nlines \\n not an escape\r\nand \"quotes\" label=x bytes=3 ",
                                                     "/dev/serial/by-id/usb-MicroPython Board in FS mode_e6614c-if00",
                                                     "say \"hi\"\tto \\ the\nboard", MPY_SNAPSHOT_FLAG_SOFT_RESET));
  g_ptr_array_add (list, mpy_snapshot_with_metadata (noarg, t3, "Größe – 内存 – 🐍 ", NULL, NULL, 0));
  g_ptr_array_add (list, mpy_snapshot_with_metadata (damaged, t4, "", "", "", MPY_SNAPSHOT_FLAG_SOFT_RESET | MPY_SNAPSHOT_FLAG_GC | MPY_SNAPSHOT_FLAG_RETRIED));
  g_ptr_array_add (list, mpy_snapshot_with_metadata (microbit, t5, NULL, NULL, NULL, 0));
  g_ptr_array_add (list, mpy_snapshot_with_metadata (unix_dump, NULL, "@snapshot bytes=1", "#", "@", 0));
  /* Serial noise in a banner, a label that is not UTF-8: kept byte for byte. */
  g_ptr_array_add (list, mpy_snapshot_with_metadata (noarg, NULL, "bad \xfe label \\x41", "/dev/tty\xff",
                                                     "MicroPython\x80\xc3 v1.9 caf\xe9", 0));

  return list;
}


char *
rich_session_text (gsize *length)
{
  g_autoptr(GPtrArray) list = make_rich_list ();

  return mpy_session_to_text (list, length);
}
