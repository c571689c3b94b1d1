/* test-session-gzip.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Compressed sessions (issue 11, long sessions): `.mpysession.gz` written through GIO's zlib
 * converter and read back exactly; a truncated one opens its complete records and says it
 * was cut; a gzip bomb is refused. Consecutive records with the same map and dump text are
 * stored once. */

#define _GNU_SOURCE   /* memmem */

#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "mpy-dump-reader.h"
#include "mpy-file-loader.h"
#include "mpy-session.h"
#include "mpy-snapshot-private.h"
#include "mpy-test-dirs.h"
#include "session-test-util.h"

static GBytes *
gzip_bytes (const char *data,
            gsize       length,
            guint       repeat)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  for (guint i = 0; i < repeat; i++)
    g_assert_true (g_output_stream_write_all (out, data, length, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
test_round_trip (void)
{
  /* Saved as .gz it is gzip on disk (and smaller), and it opens to the same snapshots and
   * exactly the same session text. */
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autofree char *dir = mpy_test_make_dir ("mpy-gzip");
  g_autofree char *path = g_build_filename (dir, "long.mpysession.gz", NULL);
  g_autofree char *plain = NULL;
  g_autofree char *on_disk = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) warning = NULL;
  g_autoptr(GError) error = NULL;
  gsize plain_length, disk_length, again_length;

  plain = mpy_session_to_text (list, &plain_length);
  g_assert_true (mpy_session_write_file (path, list, &error));
  g_assert_no_error (error);
  on_disk = read_whole (path, &disk_length);
  g_assert_cmpuint (disk_length, >, 2);
  g_assert_cmphex ((guchar) on_disk[0], ==, 0x1f);
  g_assert_cmphex ((guchar) on_disk[1], ==, 0x8b);
  g_assert_cmpuint (disk_length, <, plain_length);

  back = mpy_session_read_file_full (path, &warning, &error);
  g_assert_no_error (error);
  g_assert_no_error (warning);
  assert_same_list (list, back);
  again = mpy_session_to_text (back, &again_length);
  g_assert_cmpmem (plain, plain_length, again, again_length);

  /* The dump reader (the CLI's stats/diff/render of a file) takes it too. */
  {
    g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (dumps->len, ==, list->len);
  }
  mpy_test_remove_tree (dir);
}

static void
test_append (void)
{
  /* capture -o X.mpysession.gz: each record is appended as one more gzip member; the file is
   * gzip on disk and opens to the same snapshots, in pieces of any size, and the records of
   * an appended file that was cut in its last member open with a warning. */
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autofree char *dir = mpy_test_make_dir ("mpy-gzip");
  g_autofree char *path = g_build_filename (dir, "capture.mpysession.gz", NULL);
  g_autofree char *plain = NULL;
  g_autofree char *on_disk = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;
  gsize plain_length, disk_length, again_length;
  static const gsize pieces[] = { 1, 5, 4096, 0 };

  g_assert_cmpuint (list->len, >=, 2);
  g_assert_true (mpy_session_check_appendable (path, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      g_assert_true (mpy_session_append_file (path, g_ptr_array_index (list, i), &error));
      g_assert_no_error (error);
    }
  /* An existing gzip session file may be appended to. */
  g_assert_true (mpy_session_check_appendable (path, &error));
  g_assert_no_error (error);

  on_disk = read_whole (path, &disk_length);
  g_assert_cmpuint (disk_length, >, 2);
  g_assert_cmphex ((guchar) on_disk[0], ==, 0x1f);
  g_assert_cmphex ((guchar) on_disk[1], ==, 0x8b);
  g_assert_null (memmem (on_disk, disk_length, "@snapshot", 9));

  plain = mpy_session_to_text (list, &plain_length);
  for (guint p = 0; p < G_N_ELEMENTS (pieces); p++)
    {
      g_autoptr(GPtrArray) back = NULL;
      g_autoptr(GError) warning = NULL;

      mpy_file_set_piece_size (pieces[p]);
      back = mpy_session_read_file_full (path, &warning, &error);
      g_assert_no_error (error);
      g_assert_no_error (warning);
      assert_same_list (list, back);
      g_free (again);
      again = mpy_session_to_text (back, &again_length);
      g_assert_cmpmem (plain, plain_length, again, again_length);
    }
  mpy_file_set_piece_size (0);

  {
    /* Cut inside the last member: every earlier record opens, with the gzip warning. */
    g_autofree char *shorter = g_build_filename (dir, "shorter.mpysession.gz", NULL);
    g_autoptr(GPtrArray) back = NULL;
    g_autoptr(GError) warning = NULL;
    GStatBuf st;

    /* The same records but the last: where the last member starts. */
    for (guint i = 0; i + 1 < list->len; i++)
      g_assert_true (mpy_session_append_file (shorter, g_ptr_array_index (list, i), &error));
    g_assert_cmpint (g_stat (shorter, &st), ==, 0);
    g_assert_cmpuint ((gsize) st.st_size, <, disk_length);
    {
      gsize prefix_length = 0;
      g_autofree char *prefix = read_whole (shorter, &prefix_length);

      g_assert_cmpmem (on_disk, st.st_size, prefix, prefix_length);
    }
    g_assert_true (g_file_set_contents (path, on_disk, (st.st_size + disk_length) / 2, &error));
    back = mpy_session_read_file_full (path, &warning, &error);
    g_assert_no_error (error);
    g_assert_error (warning, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
    g_assert_cmpuint (back->len, ==, list->len - 1);
  }

  {
    /* A plain file named .gz stays plain: records are appended as text. */
    g_autofree char *named = g_build_filename (dir, "plain.mpysession.gz", NULL);
    g_autoptr(GPtrArray) back = NULL;

    g_assert_true (g_file_set_contents (named, "# MpyMemMap session 1\n", -1, &error));
    g_assert_true (mpy_session_append_file (named, g_ptr_array_index (list, 0), &error));
    g_assert_no_error (error);
    g_free (on_disk);
    on_disk = read_whole (named, &disk_length);
    g_assert_nonnull (memmem (on_disk, disk_length, "@snapshot", 9));
    back = mpy_session_read_file (named, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (back->len, ==, 1);
  }
  mpy_test_remove_tree (dir);
}

static void
test_truncated (void)
{
  /* Cut at half its compressed size: the records unpacked before the cut open, and the
   * warning says the gzip file is truncated; without a warning location it is an error. */
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autofree char *dir = mpy_test_make_dir ("mpy-gzip");
  g_autofree char *path = g_build_filename (dir, "cut.mpysession.gz", NULL);
  g_autofree char *whole = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) warning = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) packed = NULL;
  g_autofree char *text = NULL;
  gsize length;

  /* Enough text that half the compressed stream holds whole records. */
  g_assert_true (mpy_session_write_file (path, list, &error));
  text = mpy_session_to_text (list, &length);
  packed = gzip_bytes (text, length, 1);
  whole = read_whole (path, &length);
  write_whole (path, whole, length - 9);   /* the trailer cut off: everything but the CRC */

  back = mpy_session_read_file_full (path, &warning, &error);
  g_assert_no_error (error);
  g_assert_error (warning, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_nonnull (strstr (warning->message, "cut.mpysession.gz"));
  g_assert_nonnull (strstr (warning->message, "truncated gzip"));
  g_assert_cmpuint (back->len, >=, 1);
  g_assert_cmpuint (back->len, <=, list->len);
  for (guint i = 0; i < back->len; i++)
    assert_same_snapshot (g_ptr_array_index (list, i), g_ptr_array_index (back, i));
  g_clear_pointer (&back, g_ptr_array_unref);
  g_clear_error (&warning);

  /* Half the bytes: fewer records, each complete and the same as saved. */
  write_whole (path, whole, length / 2);
  back = mpy_session_read_file_full (path, &warning, &error);
  if (back != NULL)
    {
      g_assert_nonnull (warning);
      g_assert_nonnull (strstr (warning->message, "truncated"));
      g_assert_cmpuint (back->len, <, list->len);
      for (guint i = 0; i < back->len; i++)
        assert_same_snapshot (g_ptr_array_index (list, i), g_ptr_array_index (back, i));
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "cut.mpysession.gz"));
      g_clear_error (&error);
    }
  g_clear_pointer (&back, g_ptr_array_unref);
  g_clear_error (&warning);

  back = mpy_session_read_file (path, &error);
  g_assert_null (back);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "truncated gzip"));

  mpy_test_remove_tree (dir);
}

static void
test_bomb (void)
{
  /* A few kilobytes that unpack past the cap are refused, with a message that says so; the
   * cap is the loader's limit (256 MiB for sessions; a 1 MiB limit here keeps it quick). */
  g_autofree char *dir = mpy_test_make_dir ("mpy-gzip");
  g_autofree char *path = g_build_filename (dir, "bomb.mpysession.gz", NULL);
  g_autofree char *zeros = g_malloc0 (64 * 1024);
  g_autoptr(GBytes) packed = gzip_bytes (zeros, 64 * 1024, 32);   /* 2 MiB unpacked */
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_cmpuint (g_bytes_get_size (packed), <, 16 * 1024);
  write_whole (path, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
  g_assert_false (mpy_file_load_contents (path, 1024 * 1024, NULL, &contents, &length, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "bomb.mpysession.gz"));
  g_assert_nonnull (strstr (error->message, "unpacks to more than 1 MiB"));
  g_assert_null (contents);
  g_clear_error (&error);

  /* Just under the limit it opens. */
  g_assert_true (mpy_file_load_contents (path, 2 * 1024 * 1024, NULL, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 2 * 1024 * 1024);
  mpy_test_remove_tree (dir);
}

static void
test_equal_records_share (void)
{
  /* A watch of an idle program: records 1 and 2 hold the same dump (other labels), record 3
   * another. Opened, 1 and 2 share one map and one raw text; what is saved again is the same
   * file byte for byte. */
  g_autoptr(GPtrArray) same = read_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autoptr(GPtrArray) other = read_fixture ("qemu-mps2-an385-fragmented.txt");
  g_autoptr(GPtrArray) list = new_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  const MpySnapshotData *d[3];
  gsize length, again_length;

  g_ptr_array_add (list, mpy_snapshot_with_label (g_ptr_array_index (same, 0), "tick 1"));
  g_ptr_array_add (list, mpy_snapshot_with_label (g_ptr_array_index (same, 0), "tick 2"));
  g_ptr_array_add (list, mpy_snapshot_with_label (g_ptr_array_index (other, 0), "tick 3"));
  text = mpy_session_to_text (list, &length);
  back = mpy_session_read_text (text, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    d[i] = _mpy_snapshot_get_data (g_ptr_array_index (back, i));
  g_assert_true (d[0]->kinds == d[1]->kinds);
  g_assert_true (d[0]->raw == d[1]->raw);
  g_assert_true (d[2]->kinds != d[1]->kinds);
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (back, 1)), ==, "tick 2");
  again = mpy_session_to_text (back, &again_length);
  g_assert_cmpmem (text, length, again, again_length);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session-gzip/round-trip", test_round_trip);
  g_test_add_func ("/session-gzip/truncated", test_truncated);
  g_test_add_func ("/session-gzip/append-members", test_append);
  g_test_add_func ("/session-gzip/bomb", test_bomb);
  g_test_add_func ("/session-long/equal-records-share", test_equal_records_share);
  return g_test_run ();
}
