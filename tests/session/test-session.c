/* test-session.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "mpy-autosave.h"
#include "mpy-dump-reader.h"
#include "mpy-session.h"
#include "mpy-test-dirs.h"
#include "session-test-util.h"

/* Round trips */

static void
test_round_trip_exact (void)
{
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  gsize length = 0, again_length = 0;

  text = mpy_session_to_text (list, &length);
  g_assert_cmpuint (strlen (text), ==, length);
  g_assert_true (g_str_has_prefix (text, "# MpyMemMap session 1\n"));
  g_assert_true (g_utf8_validate (text, length, NULL));

  back = mpy_session_read_text (text, length, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);

  /* The damaged verdict survives with its reason. */
  g_assert_true (mpy_snapshot_is_damaged (g_ptr_array_index (back, 3)));

  /* Writing what was read gives the same file. */
  again = mpy_session_to_text (back, &again_length);
  g_assert_cmpmem (text, length, again, again_length);
}

/* A label, port or banner that is not UTF-8 (serial noise, a file edited by hand): shown with
 * U+FFFD for each bad byte, saved back byte for byte (issue 8.7). */
static void
test_round_trip_invalid_utf8 (void)
{
  g_autoptr(MpySnapshot) dump = first_dump_of ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpySnapshot) bad = mpy_snapshot_with_metadata (dump, NULL, "bad \xc3\x28 label\xff",
                                                           "/dev/tty\xfe", "MicroPython \x80", 0);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  gsize length = 0, again_length = 0;
  MpySnapshot *read;

  g_assert_cmpstr (mpy_snapshot_get_label (bad), ==, "bad \xef\xbf\xbd( label\xef\xbf\xbd");
  g_assert_cmpstr (mpy_snapshot_get_port (bad), ==, "/dev/tty\xef\xbf\xbd");
  g_assert_true (g_utf8_validate (mpy_snapshot_get_banner (bad), -1, NULL));

  g_ptr_array_add (list, mpy_snapshot_ref (bad));
  text = mpy_session_to_text (list, &length);
  g_assert_true (g_utf8_validate (text, length, NULL));
  g_assert_nonnull (strstr (text, "label=bad \\xc3( label\\xff"));
  back = mpy_session_read_text (text, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  read = g_ptr_array_index (back, 0);
  g_assert_cmpstr (mpy_snapshot_get_label (read), ==, mpy_snapshot_get_label (bad));
  g_assert_cmpstr (mpy_snapshot_get_port (read), ==, mpy_snapshot_get_port (bad));
  again = mpy_session_to_text (back, &again_length);
  g_assert_cmpmem (text, length, again, again_length);

  /* A rename keeps the port's bytes. */
  {
    g_autoptr(MpySnapshot) renamed = mpy_snapshot_with_label (read, "fine");
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_autofree char *renamed_text = NULL;

    g_ptr_array_add (one, renamed);
    renamed_text = mpy_session_to_text (one, NULL);
    g_assert_nonnull (strstr (renamed_text, "/dev/tty\\xfe"));
  }
}

static void
test_round_trip_line_ends (void)
{
  /* \r\n (micro:bit), \n (unix port) and \r\r\n (some consoles) kept byte for byte. */
  g_autofree char *path = fixture_path ("microbit-v1.0.1-after-del-gc.txt");
  g_autofree char *crlf = read_whole (path, NULL);
  g_autofree char *crcrlf = NULL;
  g_autoptr(GPtrArray) list = new_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;
  gsize length;

  g_assert_nonnull (strstr (crlf, "\r\n"));
  parts = g_strsplit (crlf, "\r\n", -1);
  crcrlf = g_strjoinv ("\r\r\n", parts);

  for (guint i = 0; i < 2; i++)
    {
      const char *input = i == 0 ? crlf : crcrlf;
      g_autoptr(MpySnapshot) s = mpy_dump_reader_read_one (input, -1, &error);

      g_assert_no_error (error);
      g_ptr_array_add (list, mpy_snapshot_ref (s));
    }
  g_ptr_array_add (list, first_dump_of ("unix-heap256k-after-alloc.txt"));
  g_assert_nonnull (memchr (mpy_snapshot_get_raw_text (g_ptr_array_index (list, 0)), '\r',
                            mpy_snapshot_get_raw_length (g_ptr_array_index (list, 0))));
  g_assert_nonnull (strstr (mpy_snapshot_get_raw_text (g_ptr_array_index (list, 1)), "\r\r\n"));

  text = mpy_session_to_text (list, &length);
  back = mpy_session_read_text (text, length, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);
}

static void
test_round_trip_file (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "my session.mpysession", NULL);
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) empty = new_list ();
  g_autoptr(GError) error = NULL;

  g_assert_true (mpy_session_write_file (path, list, &error));
  g_assert_no_error (error);
  back = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);
  g_clear_pointer (&back, g_ptr_array_unref);

  /* Overwriting replaces; no temporary file is left beside it. */
  g_ptr_array_remove_range (list, 1, list->len - 1);
  g_assert_true (mpy_session_write_file (path, list, &error));
  g_assert_no_error (error);
  back = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);
  g_clear_pointer (&back, g_ptr_array_unref);

  /* A session without snapshots is a valid, empty session. */
  g_assert_true (mpy_session_write_file (path, empty, &error));
  back = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 0);

  mpy_test_remove_tree (dir);
}

static void
test_human_readable (void)
{
  /* People read and grep session files: metadata on one line, the dump verbatim. */
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autofree char *text = mpy_session_to_text (list, NULL);
  MpySnapshot *first = g_ptr_array_index (list, 0);
  g_autofree char *raw = g_strndup (mpy_snapshot_get_raw_text (first), mpy_snapshot_get_raw_length (first));

  g_assert_nonnull (strstr (text, "\n@snapshot time=2026-11-25T17:02:03.123456Z port=/dev/ttyACM0 "));
  g_assert_nonnull (strstr (text, " flags=gc,retried "));
  g_assert_nonnull (strstr (text, " label=Before import\n"));
  g_assert_nonnull (strstr (text, "label=two\\nlines \\\\n not an escape\\r\\nand \"quotes\" label=x bytes=3 \n"));
  g_assert_nonnull (strstr (text, "label=Größe – 内存 – 🐍 \n"));
  g_assert_nonnull (strstr (text, raw));
}

static void
test_time_precision (void)
{
  /* Every microsecond value survives, in a zone east of UTC as well. */
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (3600);
  g_autoptr(GDateTime) base = g_date_time_new (zone, 2026, 3, 29, 1, 59, 58);
  g_autoptr(MpySnapshot) dump = first_dump_of ("microbit-v1.0.1-meminfo-noarg.txt");

  for (gint64 us = 0; us < 2 * G_USEC_PER_SEC; us += 9973)
    {
      g_autoptr(GDateTime) t = g_date_time_add (base, us + (us % 3 == 0 ? 999999 - us % G_USEC_PER_SEC : 0));
      g_autoptr(MpySnapshot) s = mpy_snapshot_with_metadata (dump, t, NULL, NULL, NULL, 0);
      g_autoptr(GPtrArray) list = new_list ();
      g_autoptr(GPtrArray) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_ptr_array_add (list, mpy_snapshot_ref (s));
      text = mpy_session_to_text (list, NULL);
      back = mpy_session_read_text (text, -1, &error);
      g_assert_no_error (error);
      assert_same_list (list, back);
    }
}

/* Opening other text */

static void
assert_same_heap (MpySnapshot *a,
                  MpySnapshot *b)
{
  g_assert_cmpint (mpy_snapshot_is_damaged (a), ==, mpy_snapshot_is_damaged (b));
  g_assert_cmpint (mpy_snapshot_has_map (a), ==, mpy_snapshot_has_map (b));
  g_assert_cmpmem (mpy_snapshot_get_kinds (a), mpy_snapshot_get_n_blocks (a),
                   mpy_snapshot_get_kinds (b), mpy_snapshot_get_n_blocks (b));
  for (MpyFigure f = 0; f < MPY_N_FIGURES; f++)
    {
      guint64 va = 0, vb = 0;

      g_assert_cmpint (mpy_snapshot_get_figure (a, f, &va), ==, mpy_snapshot_get_figure (b, f, &vb));
      g_assert_cmpuint (va, ==, vb);
    }
}

static void
test_open_fixtures (void)
{
  /* Every plain fixture opens exactly as the dump reader reads it. */
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fixtures", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n_files = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GPtrArray) via_session = NULL;
      g_autoptr(GPtrArray) via_reader = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (name, ".txt") || strstr (name, "transcript") != NULL
          || strstr (name, "capture-log") != NULL)
        continue;
      n_files++;
      path = g_build_filename (dir_path, name, NULL);
      via_session = mpy_session_read_file (path, &error);
      g_assert_no_error (error);
      via_reader = mpy_dump_reader_read_file (path, &error);
      g_assert_no_error (error);
      assert_same_list (via_reader, via_session);
      for (guint i = 0; i < via_session->len; i++)
        g_assert_false (mpy_snapshot_is_damaged (g_ptr_array_index (via_session, i)));
    }
  g_assert_cmpuint (n_files, ==, 30);
}

static void
test_open_capture_logs (void)
{
  /* A capture transcript (one line per read/write, bytes escaped) holds the whole
   * conversation: its dumps are the ten states captured during it, in order. */
  const char *boards[] = { "microbit-v1.0.1", "qemu-mps2-an385", "unix-heap256k" };
  const char *states[] = {
    "after-soft-reset", "meminfo-noarg", "after-alloc", "after-alloc-noarg", "after-del-gc",
    "gc-disabled", "fragmented", "fragmented-bigalloc", "heap-full", "after-heap-full-gc",
  };

  for (guint b = 0; b < G_N_ELEMENTS (boards); b++)
    {
      g_autofree char *log_name = g_strdup_printf ("%s-capture-log.txt", boards[b]);
      g_autofree char *transcript_name = g_strdup_printf ("%s-rawrepl-transcript.txt", boards[b]);
      g_autofree char *log = fixture_path (log_name);
      g_autofree char *transcript = fixture_path (transcript_name);
      g_autoptr(GPtrArray) dumps = NULL;
      g_autoptr(GError) error = NULL;

      dumps = mpy_session_read_file (log, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (dumps->len, ==, G_N_ELEMENTS (states));
      for (guint i = 0; i < G_N_ELEMENTS (states); i++)
        {
          g_autofree char *state_name = g_strdup_printf ("%s-%s.txt", boards[b], states[i]);
          g_autoptr(MpySnapshot) state = first_dump_of (state_name);

          g_test_message ("%s, dump %u: %s", log_name, i, state_name);
          assert_same_heap (state, g_ptr_array_index (dumps, i));
        }
      g_clear_pointer (&dumps, g_ptr_array_unref);

      /* The raw-REPL transcript has one dump, whole. */
      dumps = mpy_session_read_file (transcript, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (dumps->len, ==, 1);
      g_assert_false (mpy_snapshot_is_damaged (g_ptr_array_index (dumps, 0)));
      g_assert_true (mpy_snapshot_has_map (g_ptr_array_index (dumps, 0)));
    }
}

static void
test_open_console_log (void)
{
  /* A picocom-style log: boot text, prompts, user prints and three dumps. */
  const char *names[] = {
    "microbit-v1.0.1-after-soft-reset.txt",
    "microbit-v1.0.1-after-alloc.txt",
    "microbit-v1.0.1-fragmented.txt",
  };
  g_autoptr(GString) log = g_string_new ("Terminal ready\r\nMicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.0.1 with nRF51822\r\n"
                                         "Type \"help()\" for more information.\r\n>>> import micropython\r\n>>> micropython.mem_info(1)\r\n");
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "picocom.log", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *fixture = fixture_path (names[i]);
      g_autofree char *text = read_whole (fixture, NULL);

      g_string_append (log, text);
      g_string_append (log, ">>> print('add:', 1)\r\nadd: 1\r\n>>> micropython.mem_info(1)\r\n");
    }
  g_string_append (log, "\r\nTerminating...\r\nThanks for using picocom\r\n");
  write_whole (path, log->str, log->len);

  back = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(MpySnapshot) alone = first_dump_of (names[i]);

      assert_same_snapshot (alone, g_ptr_array_index (back, i));
    }

  mpy_test_remove_tree (dir);
}

static void
test_open_no_dump (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = mpy_session_read_text ("Hello\nthis is a shopping list\n", -1, &error);

  g_assert_null (back);
  g_assert_error (error, MPY_READER_ERROR, MPY_READER_ERROR_NO_DUMP);
}

/* Bad input */


static void
test_error_truncated (void)
{
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autofree char *last_name = g_strdup_printf ("snapshot %u", list->len);
  gsize length = 0;
  g_autofree char *text = mpy_session_to_text (list, &length);
  const char *last = g_strrstr (text, "\n@snapshot ");
  gsize cuts[] = {
    length - 10,                            /* inside the last dump */
    (gsize) (last - text) + 20,             /* inside the last header line */
    (gsize) (strchr (last + 1, '\n') - text) + 1,   /* right after the last header */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) back = mpy_session_read_text (text, cuts[i], &error);

      g_assert_null (back);
      g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED);
      g_assert_nonnull (strstr (error->message, "truncated"));
      g_assert_nonnull (strstr (error->message, last_name));
    }
}

static void
test_error_file_untouched (void)
{
  /* Reading a bad file never changes it. */
  gsize length = 0;
  g_autofree char *text = rich_session_text (&length);
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "cut.mpysession", NULL);
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf before_st, after_st;
  gsize after_length = 0;

  write_whole (path, text, length / 2);
  g_assert_cmpint (g_stat (path, &before_st), ==, 0);
  back = mpy_session_read_file (path, &error);
  g_assert_null (back);
  g_assert_nonnull (error);
  /* The message names the file. */
  g_assert_nonnull (strstr (error->message, "cut.mpysession"));
  after = read_whole (path, &after_length);
  g_assert_cmpmem (text, length / 2, after, after_length);
  g_assert_cmpint (g_stat (path, &after_st), ==, 0);
  g_assert_cmpint (before_st.st_mtime, ==, after_st.st_mtime);
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);

  mpy_test_remove_tree (dir);
}

static void
test_error_binary (void)
{
  gsize length = 0;
  g_autofree char *text = rich_session_text (&length);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = NULL;
  guchar junk[4096];
  GRand *rand = g_rand_new_with_seed (42);

  /* A session file with a block of binary junk in a record header: damaged. */
  {
    g_autofree char *copy = g_memdup2 (text, length);
    char *header = strstr (strstr (strstr (copy, "\n@snapshot ") + 1, "\n@snapshot ") + 1,
                           "\n@snapshot ");

    for (gsize i = 12; i < 12 + 32; i++)
      header[i] = (char) (i % 7 == 0 ? 0 : 0xff - i % 13);
    back = mpy_session_read_text (copy, length, &error);
    g_assert_null (back);
    g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_BINARY);
    g_clear_error (&error);
  }

  /* Junk inside a record's dump text is dump text (its length is in the header): the
   * session opens, that record's text kept byte for byte (issue 8, item 1). */
  {
    g_autoptr(GPtrArray) list = make_rich_list ();
    char *header = strstr (text, "\n@snapshot ");
    char *dump = strchr (header + 1, '\n') + 1;
    char *block = strstr (dump, "\n00400: ");

    g_assert_nonnull (block);
    for (gsize i = 12; i < 20; i++)
      block[i] = (char) (i % 3 == 0 ? 0 : 0xff - i);
    back = mpy_session_read_text (text, length, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (back->len, ==, list->len);
    g_assert_cmpmem (mpy_snapshot_get_raw_text (g_ptr_array_index (back, 0)),
                     mpy_snapshot_get_raw_length (g_ptr_array_index (back, 0)),
                     dump, mpy_snapshot_get_raw_length (g_ptr_array_index (list, 0)));
    g_clear_pointer (&back, g_ptr_array_unref);
  }

  /* Random bytes that only start like a session file: an error, never a crash. */
  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(GError) round_error = NULL;
      g_autoptr(GPtrArray) round_back = NULL;
      gsize n = g_rand_int_range (rand, 0, sizeof junk);

      for (gsize i = 0; i < n; i++)
        junk[i] = g_rand_int_range (rand, 0, 256);
      if (round % 2 == 0 && n > 30)
        memcpy (junk, "# MpyMemMap session 1\n@snapshot", 31);
      round_back = mpy_session_read_text ((const char *) junk, n, &round_error);
      g_assert_true ((round_back == NULL) != (round_error == NULL));
    }
  g_rand_free (rand);
}

static void
test_error_mutations (void)
{
  /* Thousands of damaged copies of a real session (bytes changed, removed, cut off): each
   * one gives snapshots or an error, never a crash or a hang. */
  gsize length = 0;
  g_autofree char *text = rich_session_text (&length);
  GRand *rand = g_rand_new_with_seed (7);
  guint n_errors = 0;

  for (guint round = 0; round < 8000; round++)
    {
      g_autofree char *copy = g_memdup2 (text, length);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) back = NULL;
      gsize n = length;
      guint edits = g_rand_int_range (rand, 1, 4);

      for (guint e = 0; e < edits && n > 2; e++)
        {
          /* Aim at the header lines half of the time: that is where the structure is. */
          const char *header = g_rand_boolean (rand)
            ? g_strrstr_len (copy, g_rand_int_range (rand, 1, n), "@snapshot") : NULL;
          gsize at = header != NULL
            ? (gsize) (header - copy) + g_rand_int_range (rand, 0, 80)
            : (gsize) g_rand_int_range (rand, 0, n);

          at = MIN (at, n - 1);
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: copy[at] = (char) g_rand_int_range (rand, 1, 256); break;
            case 1: memmove (copy + at, copy + at + 1, n - at - 1); n--; break;
            case 2: n = MAX (at, 1); break;
            default: copy[at] = "\n\"= \\x0"[g_rand_int_range (rand, 0, 8)]; break;
            }
        }
      back = mpy_session_read_text (copy, n, &error);
      g_assert_true ((back == NULL) != (error == NULL));
      if (error != NULL)
        n_errors++;
    }
  g_test_message ("%u of 8000 damaged copies refused", n_errors);
  /* Most damage is noticed. */
  g_assert_cmpuint (n_errors, >, 4000);
  g_rand_free (rand);
}

static void
test_error_huge (void)
{
  /* A sparse 257 MiB file is refused from its size, before any reading. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "huge.mpysession", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = NULL;
  gint64 start;
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "# MpyMemMap session 1\n", 22), ==, 22);
  g_assert_cmpint (ftruncate (fd, (gint64) MPY_SESSION_MAX_SIZE + (1 << 20)), ==, 0);
  close (fd);

  start = g_get_monotonic_time ();
  back = mpy_session_read_file (path, &error);
  g_assert_null (back);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "256 MiB"));
  /* Reading 257 MiB would take far longer than this. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 10);

  mpy_test_remove_tree (dir);
}

static void
test_error_newer_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = NULL;
  const char *text = "# MpyMemMap session 2\n@snapshot bytes=5 shape=hex\nhello\n";

  back = mpy_session_read_text (text, -1, &error);
  g_assert_null (back);
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_NEWER_VERSION);
  g_assert_nonnull (strstr (error->message, "newer MpyMemMap (format 2)"));
  g_assert_nonnull (strstr (error->message, "format 1"));
  g_assert_nonnull (strstr (error->message, "update MpyMemMap"));
  g_clear_error (&error);

  /* A format number too big to parse is newer, not “expected a format number” (8.10). */
  back = mpy_session_read_text ("# MpyMemMap session 18446744073709551617\n", -1, &error);
  g_assert_null (back);
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_NEWER_VERSION);
  g_assert_nonnull (strstr (error->message, "format 18446744073709551617)"));
  g_clear_error (&error);
  back = mpy_session_read_text ("# MpyMemMap session 2147483648\n", -1, &error);
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_NEWER_VERSION);
  g_clear_error (&error);
  back = mpy_session_read_text ("# MpyMemMap session 0\n", -1, &error);
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED);
}

static void
test_error_malformed (void)
{
  g_autoptr(MpySnapshot) dump = first_dump_of ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(GPtrArray) list = new_list ();
  g_autofree char *good = NULL;
  g_autofree char *count = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT " ", mpy_snapshot_get_raw_length (dump));
  g_autofree char *count_less = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT " ", mpy_snapshot_get_raw_length (dump) - 1);
  struct {
    const char *from;
    const char *to;
    const char *in_message;
  } edits[] = {
    { count, count_less, "does not end where its header says" },   /* dump edited by hand */
    { "bytes=", "bytes=x", "is not a byte count" },
    { "bytes=", "size=", "no “bytes=” count" },
    { "time=2026", "time=yesterday-2026", "is not an ISO 8601 time" },
    { "port=", "port=\"unterminated", "no closing quote" },
    { "\n@snapshot ", "\n@snap ", "expected a “@snapshot” header" },
    { "# MpyMemMap session 1", "# MpyMemMap session one", "expected a format number" },
  };
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) t = g_date_time_new (utc, 2026, 11, 25, 17, 0, 0);

  g_ptr_array_add (list, mpy_snapshot_with_metadata (dump, t, "x", "/dev/ttyACM0", NULL, 0));
  good = mpy_session_to_text (list, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GString) bad = g_string_new (good);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) back = NULL;

      g_assert_cmpuint (g_string_replace (bad, edits[i].from, edits[i].to, 1), ==, 1);
      g_test_message ("edit %u", i);
      back = mpy_session_read_text (bad->str, bad->len, &error);
      g_assert_null (back);
      g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, edits[i].in_message));
      g_assert_true (g_str_has_prefix (error->message, "Line "));
    }
}

static void
test_error_not_a_file (void)
{
  /* Directories and FIFOs are refused without reading (a FIFO would block forever). */
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *fifo = g_build_filename (dir, "fifo.mpysession", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.mpysession", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = NULL;

  back = mpy_session_read_file (dir, &error);
  g_assert_null (back);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  /* O_RDONLY on a FIFO blocks until a writer comes; a writer that never writes keeps it open. */
  {
    GPid pid = fork ();

    if (pid == 0)
      {
        int fd = g_open (fifo, O_WRONLY, 0);
        sleep (3);
        close (fd);
        _exit (0);
      }
    back = mpy_session_read_file (fifo, &error);
    g_assert_null (back);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
    g_assert_nonnull (strstr (error->message, "not a regular file"));
    g_clear_error (&error);
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
  }

  back = mpy_session_read_file (missing, &error);
  g_assert_null (back);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.mpysession"));

  mpy_test_remove_tree (dir);
}

/* Atomic writes */

static void
test_atomic_write_failure (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) small = new_list ();
  g_autoptr(GPtrArray) big = make_rich_list ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length = 0, after_length = 0;

  /* The write fails halfway: the file size limit stops it (this works as root too, where a
   * read-only folder would not). It must leave the old file as it was. */
  if (g_test_subprocess ())
    {
      struct rlimit limit = { 2048, 2048 };

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (mpy_session_write_file (g_getenv ("MPY_TEST_PATH"), big, &error));
      g_assert_nonnull (error);
      g_printerr ("%s\n", error->message);
      return;
    }

  dir = mpy_test_make_dir ("mpy-session");
  path = g_build_filename (dir, "keep.mpysession", NULL);
  g_ptr_array_add (small, first_dump_of ("microbit-v1.0.1-meminfo-noarg.txt"));
  g_assert_true (mpy_session_write_file (path, small, &error));
  g_assert_no_error (error);
  before = read_whole (path, &before_length);

  g_setenv ("MPY_TEST_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Could not save*keep.mpysession*");

  after = read_whole (path, &after_length);
  g_assert_cmpmem (before, before_length, after, after_length);
  /* No temporary file is left behind. */
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);

  /* A folder that does not exist: an error, nothing created. */
  {
    g_autofree char *nowhere = g_build_filename (dir, "no", "such", "x.mpysession", NULL);

    g_assert_false (mpy_session_write_file (nowhere, small, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error (&error);
  }

  /* Unprivileged users: a read-only folder. */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
      g_assert_false (mpy_session_write_file (path, big, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
      g_chmod (dir, 0755);
      g_free (after);
      after = read_whole (path, &after_length);
      g_assert_cmpmem (before, before_length, after, after_length);
    }

  mpy_test_remove_tree (dir);
}

/* Append */

static void
test_append (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "capture.mpysession", NULL);
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* Created with its header on the first append, then grows record by record. */
  for (guint i = 0; i < list->len; i++)
    {
      g_assert_true (mpy_session_append_file (path, g_ptr_array_index (list, i), &error));
      g_assert_no_error (error);
    }
  back = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);

  /* Appending gives the same file as writing the whole list. */
  {
    gsize length = 0, whole_length = 0;
    g_autofree char *whole = mpy_session_to_text (list, &whole_length);

    text = read_whole (path, &length);
    g_assert_cmpmem (text, length, whole, whole_length);
  }

  mpy_test_remove_tree (dir);
}

static void
test_append_refuses_other_files (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *log = g_build_filename (dir, "console.log", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.mpysession", NULL);
  g_autofree char *ragged = g_build_filename (dir, "ragged.mpysession", NULL);
  g_autoptr(MpySnapshot) dump = first_dump_of ("unix-heap256k-after-alloc.txt");
  const char *log_text = "boot\r\nhello\r\n";
  const char *newer_text = "# MpyMemMap session 7\nsomething new\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) back = NULL;
  gsize length = 0;

  /* Someone's log is never appended to. */
  write_whole (log, log_text, -1);
  g_assert_false (mpy_session_append_file (log, dump, &error));
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "not a MpyMemMap session file"));
  g_clear_error (&error);
  after = read_whole (log, &length);
  g_assert_cmpmem (after, length, log_text, strlen (log_text));
  g_clear_pointer (&after, g_free);

  /* Nor a session of a newer format. */
  write_whole (newer, newer_text, -1);
  g_assert_false (mpy_session_append_file (newer, dump, &error));
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_NEWER_VERSION);
  g_clear_error (&error);
  after = read_whole (newer, &length);
  g_assert_cmpmem (after, length, newer_text, strlen (newer_text));

  /* A session file whose last line lost its newline still takes a record on a line of its own. */
  write_whole (ragged, "# MpyMemMap session 1\n# a comment without a newline", -1);
  g_assert_true (mpy_session_append_file (ragged, dump, &error));
  g_assert_no_error (error);
  back = mpy_session_read_file (ragged, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  assert_same_snapshot (dump, g_ptr_array_index (back, 0));

  mpy_test_remove_tree (dir);
}

/* Async */

typedef struct {
  GMainLoop *loop;
  GPtrArray *snapshots;
  gboolean ok;
  GError *error;
} AsyncResult;

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->snapshots = mpy_session_read_file_finish (result, &r->error);
  g_main_loop_quit (r->loop);
}

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->ok = mpy_session_write_file_finish (result, &r->error);
  g_main_loop_quit (r->loop);
}

static void
test_async (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "async.mpysession", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.mpysession", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  AsyncResult r = { loop, NULL, FALSE, NULL };
  guint expected;

  mpy_session_write_file_async (path, list, NULL, write_done, &r);
  /* The caller's list may change while the worker writes. */
  expected = list->len;
  g_ptr_array_set_size (list, 0);
  g_main_loop_run (loop);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);

  g_ptr_array_unref (list);
  list = make_rich_list ();
  g_assert_cmpuint (list->len, ==, expected);

  mpy_session_read_file_async (path, NULL, read_done, &r);
  g_main_loop_run (loop);
  g_assert_no_error (r.error);
  assert_same_list (list, r.snapshots);
  g_clear_pointer (&r.snapshots, g_ptr_array_unref);

  /* Errors arrive through finish(). */
  mpy_session_read_file_async (missing, NULL, read_done, &r);
  g_main_loop_run (loop);
  g_assert_null (r.snapshots);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&r.error);

  g_cancellable_cancel (cancelled);
  mpy_session_read_file_async (path, cancelled, read_done, &r);
  g_main_loop_run (loop);
  g_assert_null (r.snapshots);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  mpy_test_remove_tree (dir);
}

/* Autosave */

static void
on_write_failed (MpyAutosave *autosave,
                 const char  *message,
                 gpointer     user_data)
{
  char **out = user_data;

  /* On the thread that owns the main context, never on the worker. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_free (*out);
  *out = g_strdup (message);
}

static void
test_autosave_journal (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "state", "mpymemmap", "autosave.mpysession", NULL);
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyAutosave) autosave = mpy_autosave_new (path);

  g_assert_cmpstr (mpy_autosave_get_path (autosave), ==, path);

  /* Nothing yet. */
  g_assert_null (mpy_autosave_load (path, &error));
  g_assert_no_error (error);

  /* Each add goes to disk; the folder is created. */
  for (guint i = 0; i < list->len; i++)
    mpy_autosave_add (autosave, g_ptr_array_index (list, i));
  mpy_autosave_flush (autosave);
  back = mpy_autosave_load (path, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);
  g_clear_pointer (&back, g_ptr_array_unref);

  /* Replace: exactly the given list (after deletes). */
  g_ptr_array_remove_index (list, 0);
  g_ptr_array_remove_index (list, 2);
  mpy_autosave_replace (autosave, list);
  mpy_autosave_add (autosave, g_ptr_array_index (list, 0));
  g_ptr_array_add (list, mpy_snapshot_ref (g_ptr_array_index (list, 0)));
  mpy_autosave_flush (autosave);
  back = mpy_autosave_load (path, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);
  g_clear_pointer (&back, g_ptr_array_unref);

  /* Clear: gone, and load says there is nothing to restore. */
  mpy_autosave_clear (autosave);
  mpy_autosave_flush (autosave);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (mpy_autosave_load (path, &error));
  g_assert_no_error (error);

  /* An empty journal is nothing to restore either. */
  write_whole (path, "", 0);
  g_assert_null (mpy_autosave_load (path, &error));
  g_assert_no_error (error);

  g_clear_object (&autosave);
  mpy_test_remove_tree (dir);
}

static void
test_autosave_dispose_writes_queue (void)
{
  /* Dropping the object (clean shutdown) writes everything queued first. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "autosave.mpysession", NULL);
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  MpyAutosave *autosave = mpy_autosave_new (path);

  for (guint i = 0; i < list->len; i++)
    mpy_autosave_add (autosave, g_ptr_array_index (list, i));
  g_object_unref (autosave);

  back = mpy_autosave_load (path, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);

  mpy_test_remove_tree (dir);
}

static void
test_autosave_truncated_tail (void)
{
  /* A crash in the middle of a write leaves half a record: the complete ones are restored,
   * and the next run's records follow them cleanly. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "autosave.mpysession", NULL);
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) first_three = new_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *three = NULL;
  gsize whole_length = 0, three_length = 0;
  g_autoptr(MpyAutosave) autosave = NULL;

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (first_three, mpy_snapshot_ref (g_ptr_array_index (list, i)));
  three = mpy_session_to_text (first_three, &three_length);
  g_ptr_array_set_size (list, 4);
  whole = mpy_session_to_text (list, &whole_length);
  g_assert_cmpmem (whole, three_length, three, three_length);

  /* Three records and a part of the fourth. */
  write_whole (path, whole, three_length + (whole_length - three_length) / 2);
  back = mpy_autosave_load (path, &error);
  g_assert_no_error (error);
  assert_same_list (first_three, back);
  g_clear_pointer (&back, g_ptr_array_unref);

  /* The plain reader says the file is truncated. */
  back = mpy_session_read_file (path, &error);
  g_assert_null (back);
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED);
  g_clear_error (&error);

  autosave = mpy_autosave_new (path);
  mpy_autosave_add (autosave, g_ptr_array_index (list, 3));
  g_ptr_array_add (first_three, mpy_snapshot_ref (g_ptr_array_index (list, 3)));
  mpy_autosave_flush (autosave);
  back = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  assert_same_list (first_three, back);

  g_clear_object (&autosave);
  mpy_test_remove_tree (dir);
}

static void
test_autosave_foreign_file_kept (void)
{
  /* Something else at the journal's path (a newer version's journal, a stray file) is
   * moved aside, never overwritten or appended to. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "autosave.mpysession", NULL);
  g_autofree char *aside = g_strconcat (path, ".damaged", NULL);
  g_autoptr(MpySnapshot) dump = first_dump_of ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(MpyAutosave) autosave = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  const char *foreign = "# MpyMemMap session 3\nfrom the future\n";
  gsize length = 0;

  /* A stray short file first. */
  write_whole (path, "hi", -1);
  g_assert_null (mpy_autosave_load (path, &error));
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED);
  g_clear_error (&error);

  write_whole (path, foreign, -1);
  g_assert_null (mpy_autosave_load (path, &error));
  g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_NEWER_VERSION);
  g_clear_error (&error);

  autosave = mpy_autosave_new (path);
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "Autosave:*moved it to*");
  mpy_autosave_add (autosave, dump);
  mpy_autosave_flush (autosave);
  g_test_assert_expected_messages ();

  kept = read_whole (aside, &length);
  g_assert_cmpmem (kept, length, foreign, strlen (foreign));
  back = mpy_autosave_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  assert_same_snapshot (dump, g_ptr_array_index (back, 0));

  g_clear_object (&autosave);
  mpy_test_remove_tree (dir);
}

static void
test_autosave_write_failed (void)
{
  /* A journal that cannot be written (its folder would be inside a regular file) is
   * reported on the main context, with the file named. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *blocker = g_build_filename (dir, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (blocker, "autosave.mpysession", NULL);
  g_autoptr(MpySnapshot) dump = first_dump_of ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *message = NULL;
  g_autoptr(MpyAutosave) autosave = NULL;
  gint64 deadline;

  write_whole (blocker, "x", 1);
  autosave = mpy_autosave_new (path);
  g_signal_connect (autosave, "write-failed", G_CALLBACK (on_write_failed), &message);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "Autosave:*not-a-folder*");
  mpy_autosave_add (autosave, dump);
  mpy_autosave_flush (autosave);
  /* Nobody iterates the main context until now: the failure must wait for it. */
  g_assert_null (message);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (message == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_test_assert_expected_messages ();

  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "not-a-folder"));

  g_clear_object (&autosave);
  mpy_test_remove_tree (dir);
}

static GSubprocess *
spawn_helper (const char  *journal,
              const char  *mode,
              GError     **error)
{
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "session", "test-autosave-helper", NULL);
  g_autofree char *fixture = fixture_path ("qemu-mps2-an385-after-alloc.txt");

  return g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                           helper, journal, fixture, mode, NULL);
}

static void
kill_after_a_second (GSubprocess *helper)
{
  g_autoptr(GError) error = NULL;

  g_usleep (G_USEC_PER_SEC);
  g_subprocess_send_signal (helper, SIGKILL);
  g_subprocess_wait (helper, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (helper));
  g_assert_cmpint (g_subprocess_get_term_sig (helper), ==, SIGKILL);
}

static void
test_autosave_kill9 (void)
{
  /* The real thing: a process adds snapshots and is killed with SIGKILL one second after
   * its last add() returned, without flush or shutdown. All of them are back. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "autosave.mpysession", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) helper = spawn_helper (path, "20", &error);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GPtrArray) back = NULL;
  guint added = 0;

  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_equal (line, "done"))
        break;
      g_assert_true (g_str_has_prefix (line, "added "));
      added++;
    }
  g_assert_cmpuint (added, ==, 20);
  kill_after_a_second (helper);

  back = mpy_autosave_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->len, ==, 20);
  for (guint i = 0; i < back->len; i++)
    {
      g_autofree char *label = g_strdup_printf ("capture %u", i);

      g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (back, i)), ==, label);
      g_assert_false (mpy_snapshot_is_damaged (g_ptr_array_index (back, i)));
    }

  mpy_test_remove_tree (dir);
}

static void
test_autosave_kill9_busy (void)
{
  /* Killed while still adding: everything whose add() returned a second before the kill is
   * there, in order, and the journal stays readable (a record cut off by the kill is dropped). */
  g_autofree char *dir = mpy_test_make_dir ("mpy-session");
  g_autofree char *path = g_build_filename (dir, "autosave.mpysession", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) helper = spawn_helper (path, "forever", &error);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GPtrArray) back = NULL;
  guint added = 0;

  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper));
  while (added < 40)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_true (g_str_has_prefix (line, "added "));
      added++;
    }
  kill_after_a_second (helper);

  back = mpy_autosave_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->len, >=, added);
  for (guint i = 0; i < back->len; i++)
    {
      g_autofree char *label = g_strdup_printf ("capture %u", i);

      g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (back, i)), ==, label);
    }

  mpy_test_remove_tree (dir);
}

static void
test_autosave_default_path (void)
{
  g_autofree char *path = mpy_autosave_get_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_state_dir (), "mpymemmap",
                                                "autosave.mpysession", NULL);

  g_assert_cmpstr (path, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session/round-trip/exact", test_round_trip_exact);
  g_test_add_func ("/session/round-trip/line-ends", test_round_trip_line_ends);
  g_test_add_func ("/session/round-trip/invalid-utf8-kept-shown-valid", test_round_trip_invalid_utf8);
  g_test_add_func ("/session/round-trip/file", test_round_trip_file);
  g_test_add_func ("/session/round-trip/time-precision", test_time_precision);
  g_test_add_func ("/session/format/human-readable", test_human_readable);
  g_test_add_func ("/session/open/fixtures", test_open_fixtures);
  g_test_add_func ("/session/open/capture-logs", test_open_capture_logs);
  g_test_add_func ("/session/open/console-log", test_open_console_log);
  g_test_add_func ("/session/open/no-dump", test_open_no_dump);
  g_test_add_func ("/session/error/truncated", test_error_truncated);
  g_test_add_func ("/session/error/file-untouched", test_error_file_untouched);
  g_test_add_func ("/session/error/binary", test_error_binary);
  g_test_add_func ("/session/error/huge", test_error_huge);
  g_test_add_func ("/session/error/mutations", test_error_mutations);
  g_test_add_func ("/session/error/newer-version", test_error_newer_version);
  g_test_add_func ("/session/error/malformed", test_error_malformed);
  g_test_add_func ("/session/error/not-a-file", test_error_not_a_file);
  g_test_add_func ("/session/write/atomic", test_atomic_write_failure);
  g_test_add_func ("/session/append/grows", test_append);
  g_test_add_func ("/session/append/refuses-other-files", test_append_refuses_other_files);
  g_test_add_func ("/session/async", test_async);
  g_test_add_func ("/session/autosave/journal", test_autosave_journal);
  g_test_add_func ("/session/autosave/dispose-writes-queue", test_autosave_dispose_writes_queue);
  g_test_add_func ("/session/autosave/truncated-tail", test_autosave_truncated_tail);
  g_test_add_func ("/session/autosave/foreign-file-kept", test_autosave_foreign_file_kept);
  g_test_add_func ("/session/autosave/write-failed", test_autosave_write_failed);
  g_test_add_func ("/session/autosave/kill9", test_autosave_kill9);
  g_test_add_func ("/session/autosave/kill9-busy", test_autosave_kill9_busy);
  g_test_add_func ("/session/autosave/default-path", test_autosave_default_path);

  return g_test_run ();
}
