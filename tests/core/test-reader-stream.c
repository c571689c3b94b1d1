/* test-reader-stream.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading in pieces (issue 11, long sessions): text fed to the dump reader in pieces of any
 * size, and files read piece by piece, give exactly what reading the whole text gives: the
 * same snapshots, labels, board times, console context, damage verdicts and messages (line
 * numbers of the whole file), in the same order; and reading a long log holds about one
 * dump's text, not the file. */

#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "mpy-dump-reader.h"
#include "mpy-file-loader.h"
#include "mpy-session.h"
#include "mpy-test-dirs.h"

#define MAX_PIECE 97

static void
assert_same_time (GDateTime *a,
                  GDateTime *b)
{
  g_assert_true ((a == NULL) == (b == NULL));
  if (a != NULL)
    g_assert_true (g_date_time_equal (a, b));
}

static void
assert_same_snapshot (MpySnapshot *a,
                      MpySnapshot *b)
{
  g_assert_cmpuint (mpy_snapshot_get_raw_length (a), ==, mpy_snapshot_get_raw_length (b));
  g_assert_cmpmem (mpy_snapshot_get_raw_text (a), mpy_snapshot_get_raw_length (a),
                   mpy_snapshot_get_raw_text (b), mpy_snapshot_get_raw_length (b));
  g_assert_cmpstr (mpy_snapshot_get_label (a), ==, mpy_snapshot_get_label (b));
  g_assert_cmpstr (mpy_snapshot_get_console (a), ==, mpy_snapshot_get_console (b));
  assert_same_time (mpy_snapshot_get_board_time (a), mpy_snapshot_get_board_time (b));
  g_assert_cmpint (mpy_snapshot_is_damaged (a), ==, mpy_snapshot_is_damaged (b));
  g_assert_cmpstr (mpy_snapshot_get_damage_reason (a), ==, mpy_snapshot_get_damage_reason (b));
  g_assert_cmpint (mpy_snapshot_has_map (a), ==, mpy_snapshot_has_map (b));
  assert_same_time (mpy_snapshot_get_time (a), mpy_snapshot_get_time (b));
  g_assert_cmpstr (mpy_snapshot_get_port (a), ==, mpy_snapshot_get_port (b));
  g_assert_cmpstr (mpy_snapshot_get_banner (a), ==, mpy_snapshot_get_banner (b));
  g_assert_cmpint (mpy_snapshot_get_flags (a), ==, mpy_snapshot_get_flags (b));
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (a), ==, mpy_snapshot_get_bytes_per_block (b));
  g_assert_cmpuint (mpy_snapshot_get_n_areas (a), ==, mpy_snapshot_get_n_areas (b));
  g_assert_cmpmem (mpy_snapshot_get_kinds (a), mpy_snapshot_get_n_blocks (a),
                   mpy_snapshot_get_kinds (b), mpy_snapshot_get_n_blocks (b));
  for (guint f = 0; f < MPY_N_FIGURES; f++)
    {
      guint64 va = 0, vb = 0;

      g_assert_cmpint (mpy_snapshot_get_figure (a, f, &va), ==, mpy_snapshot_get_figure (b, f, &vb));
      g_assert_cmpuint (va, ==, vb);
    }
}

static void
assert_same_result (GPtrArray    *expected,
                    const GError *expected_error,
                    GPtrArray    *got,
                    const GError *got_error)
{
  if (expected == NULL)
    {
      g_assert_null (got);
      g_assert_nonnull (got_error);
      g_assert_cmpuint (got_error->domain, ==, expected_error->domain);
      g_assert_cmpint (got_error->code, ==, expected_error->code);
      g_assert_cmpstr (got_error->message, ==, expected_error->message);
      return;
    }
  g_assert_no_error ((GError *) got_error);
  g_assert_nonnull (got);
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    assert_same_snapshot (g_ptr_array_index (expected, i), g_ptr_array_index (got, i));
}

/* Feeds @text in pieces of @piece bytes; the dumps handed out, or NULL with @error. */
static GPtrArray *
read_in_pieces (const char  *text,
                gsize        length,
                gsize        piece,
                GError     **error)
{
  g_autoptr(MpyDumpReader) reader = mpy_dump_reader_new (NULL);
  g_autoptr(GPtrArray) dumps = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (gsize pos = 0; pos < length; pos += piece)
    {
      guint before = dumps->len;

      if (!mpy_dump_reader_feed (reader, text + pos, MIN (piece, length - pos), dumps, error))
        return NULL;
      /* A dump is handed out once complete, not at the end only. */
      g_assert_cmpuint (dumps->len, >=, before);
    }
  if (!mpy_dump_reader_finish (reader, dumps, error))
    return NULL;
  g_assert_cmpuint (mpy_dump_reader_get_n_dumps (reader), ==, dumps->len);
  return g_steal_pointer (&dumps);
}

static void
check_every_piece_size (const char *text,
                        gsize       length)
{
  g_autoptr(GError) whole_error = NULL;
  g_autoptr(GPtrArray) whole = mpy_dump_reader_read (text, length, &whole_error);

  for (gsize piece = 1; piece <= MAX_PIECE; piece++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) got = read_in_pieces (text, length, piece, &error);

      assert_same_result (whole, whole_error, got, error);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) got = read_in_pieces (text, length, MAX (length, 1), &error);

    assert_same_result (whole, whole_error, got, error);
  }
}

static void
check_fixture_dir (const char *subdir)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, subdir, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *text = NULL;
      gsize length = 0;

      if (!g_str_has_suffix (name, ".txt") || g_str_equal (name, "README.md"))
        continue;
      g_assert_true (g_file_get_contents (path, &text, &length, NULL));
      check_every_piece_size (text, length);
      n++;
    }
  g_assert_cmpuint (n, >, 4);
}

static void
test_fixtures (void)
{
  check_fixture_dir ("fixtures");
  check_fixture_dir ("core/data");
}

/* A small dump: 4 lines of 64 blocks (16 bytes each), @used of them in use. */
static void
append_dump (GString    *out,
             const char *eol,
             guint       used,
             gboolean    consistent,
             gboolean    with_mem)
{
  char line[65];

  if (with_mem)
    g_string_append_printf (out, "mem: total=%u, current=%u, peak=%u%s", 9000 + used, used * 16,
                            used * 16 + 64, eol);
  g_string_append_printf (out, "stack: 928 out of 80000%s", eol);
  g_string_append_printf (out, "GC: total: 4096, used: %u, free: %u%s", used * 16,
                          consistent ? 4096 - used * 16 : 16, eol);
  g_string_append_printf (out, " No. of 1-blocks: %u, 2-blocks: 0, max blk sz: 1, max free sz: %u%s",
                          used, 256 - used, eol);
  g_string_append_printf (out, "GC memory layout; from 20000000:%s", eol);
  for (guint l = 0; l < 4; l++)
    {
      for (guint b = 0; b < 64; b++)
        line[b] = l * 64 + b < used ? 'h' : '.';
      line[64] = '\0';
      g_string_append_printf (out, "%05x: %s%s", l * 64 * 16, line, eol);
    }
}

/* Named sections with time: lines, the memory profiler's @@@ TICKS, console lines between
 * dumps, \r\n and \r\r\n line ends, damaged dumps (an inconsistent header, a lost line, a
 * print inside a dump), raw-REPL framing, a `mem:` line, figures-only dumps, and a last dump
 * without a line end. */
static char *
build_log (gsize *length)
{
  GString *out = g_string_new ("boot banner\r\nMicroPython v1.22 on 2026-01-01\r\n");

  g_string_append (out, "*** Memory info first ***\n");
  g_string_append (out, "time:1609463914756126000\n");
  append_dump (out, "\n", 3, TRUE, FALSE);
  g_string_append (out, "******************************\n");
  g_string_append (out, "printed between\nand more\n\n");
  g_string_append (out, "*** Memory info: second ***\r\n");
  g_string_append (out, "time:(2026, 12, 4, 2, 9, 0, 4, 338)\r\n");
  append_dump (out, "\r\n", 10, TRUE, TRUE);
  g_string_append (out, "******************************\r\n");
  g_string_append (out, "@@@ 1000 (2026, 12, 4, 2, 9, 0, 4, 338)\n@@@ vTitle\n");
  for (guint i = 0; i < 4; i++)
    {
      g_string_append_printf (out, "@@@ %u\n", 1000 + 250 * i);
      append_dump (out, i == 2 ? "\r\r\n" : "\n", 20 + i, i != 1, FALSE);
      g_string_append (out, "@@@\n");
      g_string_append_printf (out, "step %u\n", i);
    }
  /* a lost block line */
  {
    GString *dump = g_string_new (NULL);
    const char *lost;

    append_dump (dump, "\n", 70, TRUE, FALSE);
    lost = strstr (dump->str, "00400: ");
    g_string_erase (dump, lost - dump->str, strchr (lost, '\n') + 1 - lost);
    g_string_append (out, dump->str);
    g_string_free (dump, TRUE);
  }
  /* a print into a dump */
  {
    GString *dump = g_string_new (NULL);
    const char *at;

    append_dump (dump, "\n", 5, TRUE, FALSE);
    at = strstr (dump->str, "00800: ");
    g_string_insert (dump, at - dump->str, "a print from the program\n");
    g_string_append (out, dump->str);
    g_string_free (dump, TRUE);
  }
  g_string_append (out, "OK\x04>stack: 100 out of 80000\nGC: total: 4096, used: 48, free: 4048\n"
                   " No. of 1-blocks: 3, 2-blocks: 0, max blk sz: 1, max free sz: 253\n\x04\x04>");
  g_string_append (out, "\nmem: total=1, current=2, peak=3\nnot a stack line\n");
  g_string_append (out, "GC: total: 4096, used: 4xx, free: 4048\n");
  g_string_append (out, "after the figures\n");
  append_dump (out, "\n", 200, TRUE, TRUE);
  g_string_truncate (out, out->len - 1);   /* no line end at the very end */
  *length = out->len;
  return g_string_free (out, FALSE);
}

static void
test_generated_log (void)
{
  gsize length = 0;
  g_autofree char *text = build_log (&length);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) whole = mpy_dump_reader_read (text, length, &error);

  /* The log has what the test is about. */
  g_assert_no_error (error);
  g_assert_cmpuint (whole->len, >=, 10);
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (whole, 0)), ==, "first");
  g_assert_cmpstr (mpy_snapshot_get_label (g_ptr_array_index (whole, 1)), ==, "second");
  g_assert_nonnull (mpy_snapshot_get_board_time (g_ptr_array_index (whole, 3)));
  g_assert_cmpstr (mpy_snapshot_get_console (g_ptr_array_index (whole, 3)), ==, "step 0\n");
  g_assert_true (mpy_snapshot_is_damaged (g_ptr_array_index (whole, 3)));
  g_assert_true (mpy_snapshot_is_damaged (g_ptr_array_index (whole, 6)));
  g_assert_true (mpy_snapshot_is_damaged (g_ptr_array_index (whole, 9)));
  /* line numbers of the whole text */
  g_assert_nonnull (strstr (mpy_snapshot_get_damage_reason (g_ptr_array_index (whole, 9)),
                            "line 97, column 25"));

  check_every_piece_size (text, length);
}

static void
test_errors (void)
{
  /* No dump, not text (a NUL far into the text, control bytes at its start), and their
   * messages, in pieces as whole. */
  g_autoptr(GString) late_nul = g_string_new (NULL);
  static const char no_dump[] = "hello\nthis is a shopping list\n";
  char controls[256];

  for (guint i = 0; i < 3000; i++)
    g_string_append (late_nul, "just a console line\n");
  g_string_append_c (late_nul, '\0');
  g_string_append (late_nul, "stack: 1 out of 2\n");
  for (guint i = 0; i < sizeof controls; i++)
    controls[i] = (char) (i % 16 + 0x0e);

  check_every_piece_size (no_dump, strlen (no_dump));
  check_every_piece_size (late_nul->str, late_nul->len);
  check_every_piece_size (controls, sizeof controls);
  check_every_piece_size ("", 0);
}

static char *
write_temp (const char *dir,
            const char *name,
            const char *data,
            gsize       length,
            gboolean    gzip)
{
  char *path = g_build_filename (dir, name, NULL);

  if (gzip)
    {
      g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
      g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
      g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
      g_autoptr(GBytes) bytes = NULL;

      g_assert_true (g_output_stream_write_all (out, data, length, NULL, NULL, NULL));
      g_assert_true (g_output_stream_close (out, NULL, NULL));
      bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
      g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                          g_bytes_get_size (bytes), NULL));
    }
  else
    g_assert_true (g_file_set_contents (path, data, length, NULL));
  return path;
}

static void
test_files (void)
{
  /* Files, plain and gzip, read piece by piece by the CLI's and the app's path (the session
   * reader) and by the dump reader: the same as the whole text. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-reader-stream");
  gsize length = 0;
  g_autofree char *text = build_log (&length);
  g_autoptr(GPtrArray) whole = mpy_dump_reader_read (text, length, NULL);
  static const gsize pieces[] = { 1, 2, 7, 64, 97, 4096, 0 };

  for (guint g = 0; g < 2; g++)
    {
      g_autofree char *path = write_temp (dir, g ? "log.txt.gz" : "log.txt", text, length, g);

      for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GError) warning = NULL;
          g_autoptr(GPtrArray) via_session = NULL;
          g_autoptr(GPtrArray) via_reader = NULL;

          mpy_file_set_piece_size (pieces[i]);
          via_session = mpy_session_read_file_full (path, &warning, &error);
          g_assert_no_error (error);
          g_assert_no_error (warning);
          assert_same_result (whole, NULL, via_session, NULL);
          via_reader = mpy_dump_reader_read_file (path, &error);
          g_assert_no_error (error);
          assert_same_result (whole, NULL, via_reader, NULL);
        }
    }
  mpy_file_set_piece_size (0);
  g_assert_cmpuint (mpy_file_get_piece_size (), ==, 1024 * 1024);

  {
    /* A file that is not text says so, named, however it is read. */
    static const char binary[] = "stack: 1 out of 2\n\0\0\0\1\2";
    g_autofree char *path = write_temp (dir, "binary.bin", binary, sizeof binary, FALSE);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) back = NULL;

    mpy_file_set_piece_size (3);
    back = mpy_session_read_file (path, &error);
    g_assert_null (back);
    g_assert_error (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY);
    g_assert_true (g_str_has_prefix (error->message, path));
    g_assert_nonnull (strstr (error->message, ": not text"));
    mpy_file_set_piece_size (0);
  }
  mpy_test_remove_tree (dir);
}

static void
check_session_file (const char *dir,
                    const char *text,
                    gsize       length,
                    gboolean    gzip)
{
  g_autofree char *path = write_temp (dir, gzip ? "s.mpysession.gz" : "s.mpysession", text, length,
                                      gzip);
  g_autoptr(GError) whole_warning = NULL;
  g_autoptr(GError) whole_error = NULL;
  g_autoptr(GPtrArray) whole = mpy_session_read_text_full (text, length, &whole_warning,
                                                           &whole_error);
  static const gsize pieces[] = { 1, 2, 3, 7, 13, 64, 97, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      g_autoptr(GError) warning = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) got = NULL;

      mpy_file_set_piece_size (pieces[i]);
      got = mpy_session_read_file_full (path, &warning, &error);
      if (whole_error != NULL)
        {
          g_autofree char *prefixed = g_strdup_printf ("%s: %s", path, whole_error->message);

          g_assert_nonnull (error);
          g_assert_cmpstr (error->message, ==, prefixed);
          g_assert_null (got);
          continue;
        }
      assert_same_result (whole, NULL, got, error);
      g_assert_true ((warning == NULL) == (whole_warning == NULL));
      if (warning != NULL && !gzip)
        {
          g_autofree char *prefixed = g_strdup_printf ("%s: %s", path, whole_warning->message);

          g_assert_cmpstr (warning->message, ==, prefixed);
        }
    }
  mpy_file_set_piece_size (0);
}

static void
test_session_files (void)
{
  /* Session files read record by record, plain and gzip, whole or damaged: truncated at
   * many places, a byte count that disagrees with its text, garbage between records,
   * binary data where a header should be, a dump that cannot be read: the same snapshots,
   * warnings and messages as reading the whole text. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-reader-session");
  gsize log_length = 0;
  g_autofree char *log = build_log (&log_length);
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (log, log_length, NULL);
  gsize length = 0;
  g_autofree char *text = mpy_session_to_text (dumps, &length);
  GString *edited;
  const char *second, *third;

  check_session_file (dir, text, length, FALSE);
  check_session_file (dir, text, length, TRUE);
  for (gsize cut = 1; cut < length; cut += length / 23 + 1)
    check_session_file (dir, text, cut, FALSE);

  second = strstr (strstr (text, "\n@snapshot ") + 1, "\n@snapshot ");
  third = strstr (second + 1, "\n@snapshot ");
  g_assert_nonnull (third);

  /* a byte count one too large */
  edited = g_string_new_len (text, length);
  {
    char *bytes = strstr (edited->str + (second - text), "bytes=");
    guint64 n = g_ascii_strtoull (bytes + 6, NULL, 10);
    g_autofree char *more = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT, n + 1);
    char *end = bytes + 6;

    while (g_ascii_isdigit (*end))
      end++;
    g_string_erase (edited, bytes - edited->str, end - bytes);
    g_string_insert (edited, bytes - edited->str, more);
  }
  check_session_file (dir, edited->str, edited->len, FALSE);
  g_string_free (edited, TRUE);

  /* garbage, then binary data, between records */
  edited = g_string_new_len (text, third + 1 - text);
  g_string_append (edited, "a line someone typed\n");
  g_string_append_len (edited, "bin\0ary\n", 8);
  g_string_append_len (edited, third + 1, length - (third + 1 - text));
  check_session_file (dir, edited->str, edited->len, FALSE);
  check_session_file (dir, edited->str, edited->len, TRUE);
  g_string_free (edited, TRUE);

  /* a record whose dump text holds no dump */
  edited = g_string_new ("# MpyMemMap session 1\n@snapshot bytes=6\nhello\n");
  g_string_append_len (edited, text + (strstr (text, "@snapshot ") - text),
                       length - (strstr (text, "@snapshot ") - text));
  check_session_file (dir, edited->str, edited->len, FALSE);
  g_string_free (edited, TRUE);

  /* not a session file of this version */
  check_session_file (dir, "# MpyMemMap session 9\n@snapshot bytes=1\nx\n", 43, FALSE);

  mpy_test_remove_tree (dir);
}

#define LONG_DUMPS  5000
#define LONG_BLOCKS 8128
#define RSS_BOUND_MB 40

static void
test_long_log_memory (void)
{
  /* 5,000 equal dumps of an 8,128-block heap (about 45 MB of log, and as a session file;
   * equal dumps share their map and text, so the snapshots are small): reading the file in a
   * child process stays under 40 MB peak RSS. Holding the file's text would take more than
   * that alone. */
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *session = NULL;
  GString *dump = NULL;
  FILE *f;
  struct rusage ru;
  int status = 0;
  pid_t pid;
  gsize total = 0;

#if defined(__SANITIZE_ADDRESS__)
  /* Its shadow memory and quarantine are in the figure, not the program's own use. */
  g_test_skip ("peak RSS is AddressSanitizer's, not the reader's");
  return;
#endif
  dir = mpy_test_make_dir ("mpy-reader-rss");
  path = g_build_filename (dir, "long.log", NULL);
  session = g_build_filename (dir, "long.mpysession", NULL);
  dump = g_string_new ("stack: 928 out of 80000\n");

  g_string_append_printf (dump, "GC: total: %u, used: 0, free: %u\n"
                          " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 0, max free sz: %u\n"
                          "GC memory layout; from 20000000:\n",
                          LONG_BLOCKS * 16, LONG_BLOCKS * 16, LONG_BLOCKS);
  for (guint l = 0; l < LONG_BLOCKS; l += 64)
    {
      g_string_append_printf (dump, "%05x: ", l * 16);
      for (guint b = l; b < MIN (l + 64, LONG_BLOCKS); b++)
        g_string_append_c (dump, '.');
      g_string_append_c (dump, '\n');
    }
  f = g_fopen (path, "w");
  g_assert_nonnull (f);
  for (guint d = 0; d < LONG_DUMPS; d++)
    {
      g_assert_cmpuint (fwrite (dump->str, 1, dump->len, f), ==, dump->len);
      total += dump->len;
    }
  g_assert_cmpint (fclose (f), ==, 0);
  g_assert_cmpuint (total, >, (gsize) RSS_BOUND_MB << 20);

  /* The same dumps as a session file, read record by record. */
  f = g_fopen (session, "w");
  g_assert_nonnull (f);
  fprintf (f, "# MpyMemMap session 1\n");
  for (guint d = 0; d < LONG_DUMPS; d++)
    {
      fprintf (f, "@snapshot bytes=%zu label=dump %u\n", dump->len, d);
      g_assert_cmpuint (fwrite (dump->str, 1, dump->len, f), ==, dump->len);
      fputc ('\n', f);
    }
  g_assert_cmpint (fclose (f), ==, 0);
  g_string_free (dump, TRUE);

  for (guint k = 0; k < 2; k++)
    {
      fflush (NULL);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          GPtrArray *back = mpy_session_read_file (k == 0 ? path : session, NULL);

          _exit (back != NULL && back->len == LONG_DUMPS ? 0 : 3);
        }
      g_assert_cmpint (wait4 (pid, &status, 0, &ru), ==, pid);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      g_test_message ("peak RSS reading %zu MB of %s: %.1f MB", total >> 20,
                      k == 0 ? "log" : "session file", ru.ru_maxrss / 1024.0);
      g_assert_cmpint (ru.ru_maxrss, <, RSS_BOUND_MB * 1024);
    }

  mpy_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/reader-stream/fixtures-in-every-piece-size", test_fixtures);
  g_test_add_func ("/core/reader-stream/generated-log-in-every-piece-size", test_generated_log);
  g_test_add_func ("/core/reader-stream/errors-in-every-piece-size", test_errors);
  g_test_add_func ("/core/reader-stream/files-plain-and-gzip", test_files);
  g_test_add_func ("/core/reader-stream/session-files-record-by-record", test_session_files);
  g_test_add_func ("/core/reader-stream/long-log-bounded-memory", test_long_log_memory);

  return g_test_run ();
}
