/* test-session-safety.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Nothing lost, ever (issue 8): session records with control bytes, appends on a full disk,
 * truncated and damaged sessions and journals, years below 1000, kill -9 during a save. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "mpy-autosave.h"
#include "mpy-dump-reader.h"
#include "mpy-session.h"
#include "mpy-test-dirs.h"
#include "session-test-util.h"

/* Helpers */

/* Bytes that the dump reader's "is this text" guess counts against a text. */
static gsize
count_odd_bytes (const char *text,
                 gsize       length)
{
  gsize odd = 0;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) text[i];

      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b
           && !(c >= 0x01 && c <= 0x05) && c != 0x08) || c == 0x7f)
        odd++;
    }
  return odd;
}

/* A console log as a noisy terminal leaves it: a long session of ordinary output, then a
 * dump with a line of bells, shift-in/out and cursor codes after every dump line. */
static char *
make_noisy_log (gsize *length)
{
  g_autofree char *path = fixture_path ("qemu-mps2-an385-after-alloc.txt");
  g_autofree char *dump = read_whole (path, NULL);
  g_auto(GStrv) lines = g_strsplit (dump, "\n", -1);
  GString *log = g_string_new (NULL);

  for (guint i = 0; i < 400; i++)
    g_string_append_printf (log, ">>> print('line %u of a long REPL session')\r\nline %u\r\n", i, i);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_string_append (log, lines[i]);
      g_string_append (log, "\n\x07\x0e\x0f\x11\x12\x13\x14\x16\x17\x18\x19\x1a\x1c\x0e\x0f\x7f\x07\x07\n");
    }
  g_string_append (log, ">>> \r\n");
  *length = log->len;
  return g_string_free (log, FALSE);
}

/* Offsets just past each record of to_text (@list): ends[k] is where record k ends (its
 * newline included); ends[0] is the end of the file header. */
static gsize *
record_ends (GPtrArray *list)
{
  gsize *ends = g_new0 (gsize, list->len + 1);
  g_autoptr(GPtrArray) prefix = new_list ();

  for (guint k = 0; k <= list->len; k++)
    {
      g_autofree char *text = NULL;

      if (k > 0)
        g_ptr_array_add (prefix, mpy_snapshot_ref (g_ptr_array_index (list, k - 1)));
      text = mpy_session_to_text (prefix, &ends[k]);
    }
  return ends;
}

static GPtrArray *
first_n (GPtrArray *list,
         guint      n)
{
  GPtrArray *out = new_list ();

  for (guint i = 0; i < n && i < list->len; i++)
    g_ptr_array_add (out, mpy_snapshot_ref (g_ptr_array_index (list, i)));
  return out;
}

static guint
count_temporaries (const char *dir,
                   goffset    *largest)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  *largest = 0;
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".mpymemmap-tmp-") != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        GStatBuf st;

        n++;
        if (g_stat (path, &st) == 0 && st.st_size > *largest)
          *largest = st.st_size;
      }
  return n;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* 1: dump bytes with control bytes and NULs */

static void
test_noisy_save_as (void)
{
  /* A dump from a noisy console log: Save As writes a session that opens exactly. */
  gsize log_length = 0;
  g_autofree char *log = make_noisy_log (&log_length);
  g_autofree char *dir = mpy_test_make_dir ("mpy-safety");
  g_autofree char *path = g_build_filename (dir, "noisy.mpysession", NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  MpySnapshot *noisy;

  list = mpy_session_read_text (log, log_length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  noisy = g_ptr_array_index (list, 0);
  g_assert_true (mpy_snapshot_has_map (noisy));
  /* The noise is in the dump text: more than a tenth of its bytes are control bytes, which
   * the "is this text" guess refuses on its own. */
  g_assert_cmpuint (count_odd_bytes (mpy_snapshot_get_raw_text (noisy),
                                     mpy_snapshot_get_raw_length (noisy)) * 10,
                    >, mpy_snapshot_get_raw_length (noisy));

  g_assert_true (mpy_session_write_file (path, list, &error));
  g_assert_no_error (error);
  back = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);

  /* And the same through the journal, between two ordinary records. */
  {
    g_autofree char *journal = g_build_filename (dir, "autosave.mpysession", NULL);
    g_autoptr(MpyAutosave) autosave = mpy_autosave_new (journal);
    g_autoptr(GPtrArray) three = new_list ();
    g_autoptr(GError) warning = NULL;

    g_ptr_array_add (three, first_dump_of ("unix-heap256k-fragmented.txt"));
    g_ptr_array_add (three, mpy_snapshot_ref (noisy));
    g_ptr_array_add (three, first_dump_of ("microbit-v1.0.1-after-alloc.txt"));
    for (guint i = 0; i < three->len; i++)
      mpy_autosave_add (autosave, g_ptr_array_index (three, i));
    mpy_autosave_flush (autosave);
    again = mpy_autosave_load_full (journal, &warning, &error);
    g_assert_no_error (error);
    g_assert_no_error (warning);
    assert_same_list (three, again);
  }

  mpy_test_remove_tree (dir);
}

static void
test_nul_in_record (void)
{
  /* NULs in a record's dump text (serial noise) are dump bytes like any other: the session
   * opens, and writing it back gives the same file. */
  g_autofree char *path = fixture_path ("unix-heap256k-after-alloc.txt");
  g_autofree char *dump = read_whole (path, NULL);
  g_autoptr(GString) noisy = g_string_new (NULL);
  g_autoptr(GString) session = g_string_new ("# MpyMemMap session 1\n");
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  gsize length = 0, length2 = 0;
  const char *nl = strchr (dump, '\n');

  g_string_append_len (noisy, dump, nl - dump + 1);
  g_string_append_len (noisy, "\0\0\x01\0\xff\0\n", 7);
  g_string_append (noisy, nl + 1);
  g_string_append_printf (session, "@snapshot bytes=%" G_GSIZE_FORMAT " label=noise\n", noisy->len);
  g_string_append_len (session, noisy->str, noisy->len);
  g_string_append (session, "\n");

  back = mpy_session_read_text (session->str, session->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  g_assert_cmpmem (mpy_snapshot_get_raw_text (g_ptr_array_index (back, 0)),
                   mpy_snapshot_get_raw_length (g_ptr_array_index (back, 0)),
                   noisy->str, noisy->len);

  text = mpy_session_to_text (back, &length);
  again = mpy_session_read_text (text, length, &error);
  g_assert_no_error (error);
  assert_same_list (back, again);
  text2 = mpy_session_to_text (again, &length2);
  g_assert_cmpmem (text, length, text2, length2);

  /* A NUL in a header line is damage, and says so. */
  {
    g_autoptr(GPtrArray) bad = NULL;
    char *header = strstr (session->str, "label=noise");

    header[6] = '\0';
    bad = mpy_session_read_text (session->str, session->len, &error);
    g_assert_null (bad);
    g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_BINARY);
  }
}

/* 4: truncated and damaged sessions */

static void
test_truncated_every_byte (void)
{
  g_autoptr(GPtrArray) rich = make_rich_list ();
  g_autoptr(GPtrArray) list = first_n (rich, 6);
  g_autofree gsize *ends = record_ends (list);
  gsize length = 0;
  g_autofree char *text = mpy_session_to_text (list, &length);
  guint n_cuts = 0, n_warned = 0, n_restored = 0;

  g_assert_cmpuint (length, ==, ends[list->len]);
  for (gsize cut = ends[0]; cut <= length; cut++)
    {
      g_autoptr(GError) warning = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) back = NULL;
      g_autoptr(GPtrArray) expected = NULL;
      guint complete = 0;

      /* Record k is whole when its text is there; its final newline may be missing. */
      while (complete < list->len && cut + 1 >= ends[complete + 1])
        complete++;
      expected = first_n (list, complete);

      back = mpy_session_read_text_full (text, cut, &warning, &error);
      g_assert_no_error (error);
      assert_same_list (expected, back);
      n_cuts++;
      n_restored += back->len == complete;

      if (cut == ends[complete] || cut + 1 == ends[complete])
        g_assert_no_error (warning);
      else
        {
          g_autofree char *name = g_strdup_printf ("snapshot %u", complete + 1);

          /* The message names what was cut. */
          g_assert_error (warning, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED);
          g_assert_nonnull (strstr (warning->message, "truncated"));
          g_assert_nonnull (strstr (warning->message, name));
          n_warned++;

          /* Without a place for the warning, it is an error as before. */
          {
            g_autoptr(GPtrArray) strict = mpy_session_read_text (text, cut, &error);

            g_assert_null (strict);
            g_assert_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED);
          }
        }
    }
  g_test_message ("truncated at every byte of a %u-record session: complete records restored "
                  "in %u of %u cuts, %u of them with a message naming the cut record",
                  list->len, n_restored, n_cuts, n_warned);
  g_assert_cmpuint (n_restored, ==, n_cuts);
}

static void
test_byte_count_disagrees (void)
{
  /* A record whose bytes= count disagrees with its text (edited by hand) is skipped with a
   * message naming it; the records before and after it open. */
  g_autoptr(GPtrArray) rich = make_rich_list ();
  g_autoptr(GPtrArray) list = first_n (rich, 5);
  g_autofree gsize *ends = record_ends (list);
  g_autofree char *text = mpy_session_to_text (list, NULL);
  g_autoptr(GPtrArray) expected = new_list ();
  const int deltas[] = { -7, -1, 1, 9 };   /* -1: the record takes its own last newline */

  for (guint i = 0; i < list->len; i++)
    if (i != 2)
      g_ptr_array_add (expected, mpy_snapshot_ref (g_ptr_array_index (list, i)));

  for (guint d = 0; d < G_N_ELEMENTS (deltas); d++)
    {
      g_autoptr(GString) edited = g_string_new (NULL);
      g_autoptr(GError) warning = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) back = NULL;
      const char *header = text + ends[2];
      const char *count = strstr (header, " bytes=") + strlen (" bytes=");
      char *count_end = NULL;
      guint64 bytes = g_ascii_strtoull (count, &count_end, 10);

      g_string_append_len (edited, text, count - text);
      g_string_append_printf (edited, "%" G_GUINT64_FORMAT, bytes + deltas[d]);
      g_string_append (edited, count_end);

      back = mpy_session_read_text_full (edited->str, edited->len, &warning, &error);
      g_assert_no_error (error);
      g_assert_nonnull (warning);
      g_assert_nonnull (strstr (warning->message, "snapshot 3"));
      if (deltas[d] == -1)
        {
          /* The dump ended in a newline, so one byte less still is a dump: it opens, one
           * newline short, and the message still names it. */
          g_assert_cmpuint (back->len, ==, 5);
          g_assert_nonnull (strstr (warning->message, "5 complete snapshots"));
          continue;
        }
      assert_same_list (expected, back);
      g_assert_nonnull (strstr (warning->message, "4 complete snapshots"));
    }
}

static void
test_truncated_file_message (void)
{
  /* The file readers pass the warning on, with the file's name; so does the async one. */
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autofree gsize *ends = record_ends (list);
  g_autofree char *text = mpy_session_to_text (list, NULL);
  g_autofree char *dir = mpy_test_make_dir ("mpy-safety");
  g_autofree char *path = g_build_filename (dir, "cut.mpysession", NULL);
  g_autoptr(GPtrArray) expected = first_n (list, 4);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) warning = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  write_whole (path, text, ends[4] + (ends[5] - ends[4]) / 2);
  back = mpy_session_read_file_full (path, &warning, &error);
  g_assert_no_error (error);
  assert_same_list (expected, back);
  g_assert_error (warning, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (warning->message, "cut.mpysession"));
  g_assert_nonnull (strstr (warning->message, "snapshot 5"));
  g_clear_pointer (&back, g_ptr_array_unref);
  g_clear_error (&warning);

  mpy_session_read_file_async (path, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  back = mpy_session_read_file_finish_full (result, &warning, &error);
  g_assert_no_error (error);
  assert_same_list (expected, back);
  g_assert_error (warning, MPY_SESSION_ERROR, MPY_SESSION_ERROR_TRUNCATED);

  mpy_test_remove_tree (dir);
}

/* 2, 3: a full disk */

/* In a subprocess: from now on the process may not grow files beyond @limit bytes, which
 * makes a write stop part-way as on a full disk (EFBIG; works without privileges). */
static void
limit_file_size (goffset limit)
{
  struct rlimit rl;

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &rl), ==, 0);
  rl.rlim_cur = limit;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

static void
unlimit_file_size (void)
{
  struct rlimit rl;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &rl), ==, 0);
  rl.rlim_cur = rl.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

static void
test_append_full_disk (void)
{
  /* capture -o SESSION on a full disk: the append fails whole, the earlier snapshots stay
   * readable, and the next append (room again) lands after them. */
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length = 0, after_length = 0;

  if (g_test_subprocess ())
    {
      GStatBuf st;

      path = g_strdup (g_getenv ("MPY_TEST_PATH"));
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      limit_file_size (st.st_size + 100);
      g_assert_false (mpy_session_append_file (path, g_ptr_array_index (list, 1), &error));
      g_assert_nonnull (error);
      g_printerr ("%s\n", error->message);
      return;
    }

  dir = mpy_test_make_dir ("mpy-safety");
  path = g_build_filename (dir, "capture.mpysession", NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (mpy_session_append_file (path, g_ptr_array_index (list, i), &error));
      g_assert_no_error (error);
    }
  before = read_whole (path, &before_length);

  g_setenv ("MPY_TEST_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Could not add the snapshot to*capture.mpysession*as it was*");

  after = read_whole (path, &after_length);
  g_assert_cmpmem (before, before_length, after, after_length);

  g_assert_true (mpy_session_append_file (path, g_ptr_array_index (list, 3), &error));
  g_assert_no_error (error);
  back = mpy_session_read_file (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) expected = first_n (list, 4);

    assert_same_list (expected, back);
  }

  mpy_test_remove_tree (dir);
}

static void
test_append_real_full_disk (void)
{
  /* The same on a real, tiny file system (needs mount(2): skipped where that is refused). */
  g_autofree char *dir = mpy_test_make_dir ("mpy-safety");
  g_autofree char *path = g_build_filename (dir, "capture.mpysession", NULL);
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) warning = NULL;
  guint appended = 0;

  if (mount ("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0700") != 0)
    {
      g_autofree char *why = g_strdup_printf ("cannot mount a tmpfs here (%s)", g_strerror (errno));

      g_test_skip (why);
      mpy_test_remove_tree (dir);
      return;
    }

  for (guint i = 0; i < 1000; i++)
    {
      if (!mpy_session_append_file (path, g_ptr_array_index (list, i % list->len), &error))
        break;
      appended++;
    }
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_assert_nonnull (strstr (error->message, "no room"));
  g_assert_cmpuint (appended, >, 0);

  g_clear_error (&error);
  back = mpy_session_read_file_full (path, &warning, &error);
  g_assert_no_error (error);
  g_assert_no_error (warning);
  g_assert_cmpuint (back->len, ==, appended);
  g_test_message ("tmpfs of 64 KiB: %u snapshots appended, then ENOSPC; all %u readable",
                  appended, back->len);

  g_assert_cmpint (umount (dir), ==, 0);
  mpy_test_remove_tree (dir);
}

static void
on_write_failed (MpyAutosave *autosave,
                 const char  *message,
                 guint       *n_failed)
{
  (*n_failed)++;
}

static void
test_autosave_full_disk (void)
{
  /* The journal after a full disk: the failed record leaves nothing, and the records added
   * when there is room again follow the earlier ones: all of them restore. */
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) list = make_rich_list ();

  if (g_test_subprocess ())
    {
      g_autoptr(MpyAutosave) autosave = NULL;
      guint n_failed = 0;
      GStatBuf st;

      path = g_strdup (g_getenv ("MPY_TEST_PATH"));
      autosave = mpy_autosave_new (path);
      g_signal_connect (autosave, "write-failed", G_CALLBACK (on_write_failed), &n_failed);
      for (guint i = 0; i < 3; i++)
        mpy_autosave_add (autosave, g_ptr_array_index (list, i));
      mpy_autosave_flush (autosave);
      g_assert_cmpint (g_stat (path, &st), ==, 0);

      limit_file_size (st.st_size + 200);
      mpy_autosave_add (autosave, g_ptr_array_index (list, 3));
      mpy_autosave_flush (autosave);
      unlimit_file_size ();
      for (guint i = 4; i < 6; i++)
        mpy_autosave_add (autosave, g_ptr_array_index (list, i));
      mpy_autosave_flush (autosave);

      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_cmpuint (n_failed, ==, 1);
      return;
    }

  dir = mpy_test_make_dir ("mpy-safety");
  path = g_build_filename (dir, "autosave.mpysession", NULL);
  g_setenv ("MPY_TEST_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  {
    g_autoptr(GPtrArray) expected = new_list ();
    g_autoptr(GPtrArray) back = NULL;
    g_autoptr(GError) warning = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 6; i++)
      if (i != 3)
        g_ptr_array_add (expected, mpy_snapshot_ref (g_ptr_array_index (list, i)));
    back = mpy_autosave_load_full (path, &warning, &error);
    g_assert_no_error (error);
    g_assert_no_error (warning);
    assert_same_list (expected, back);
  }

  mpy_test_remove_tree (dir);
}

static void
test_autosave_skips_damaged (void)
{
  /* A journal an older version left after a full disk: half a record in the middle, whole
   * records after it. Every whole record is restored, the message says what was not, and
   * the journal's bytes are kept beside it. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-safety");
  g_autofree char *path = g_build_filename (dir, "autosave.mpysession", NULL);
  g_autofree char *aside = g_strconcat (path, ".damaged", NULL);
  g_autoptr(GPtrArray) list = make_rich_list ();
  g_autoptr(GPtrArray) six = first_n (list, 6);
  g_autofree gsize *ends = record_ends (six);
  g_autofree char *text = mpy_session_to_text (six, NULL);
  g_autoptr(GString) journal = g_string_new (NULL);
  g_autoptr(GPtrArray) expected = new_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) warning = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  gsize kept_length = 0;

  /* Records 1-3, half of record 4, then records 5 and 6. */
  g_string_append_len (journal, text, ends[3]);
  g_string_append_len (journal, text + ends[3], (ends[4] - ends[3]) / 2);
  g_string_append_len (journal, text + ends[4], ends[6] - ends[4]);
  write_whole (path, journal->str, journal->len);
  for (guint i = 0; i < 6; i++)
    if (i != 3)
      g_ptr_array_add (expected, mpy_snapshot_ref (g_ptr_array_index (six, i)));

  back = mpy_autosave_load_full (path, &warning, &error);
  g_assert_no_error (error);
  assert_same_list (expected, back);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning->message, "snapshot 4"));
  g_assert_nonnull (strstr (warning->message, "autosave.mpysession.damaged"));
  kept = read_whole (aside, &kept_length);
  g_assert_cmpmem (kept, kept_length, journal->str, journal->len);

  /* The next run's records go after all of them; nothing whole is cut off. */
  {
    g_autoptr(MpyAutosave) autosave = mpy_autosave_new (path);
    g_autoptr(GPtrArray) again = NULL;

    mpy_autosave_add (autosave, g_ptr_array_index (list, 6));
    mpy_autosave_flush (autosave);
    g_ptr_array_add (expected, mpy_snapshot_ref (g_ptr_array_index (list, 6)));
    g_clear_error (&warning);
    again = mpy_autosave_load_full (path, &warning, &error);
    g_assert_no_error (error);
    assert_same_list (expected, again);
  }

  mpy_test_remove_tree (dir);
}

static void
test_autosave_unreadable_kept (void)
{
  /* A journal whose only record cannot be read is an error, not "nothing to restore": the
   * caller keeps it instead of deleting it. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-safety");
  g_autofree char *path = g_build_filename (dir, "autosave.mpysession", NULL);
  const char *journal = "# MpyMemMap session 1\n@snapshot bytes=12 label=x\nno dump here\n";
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) warning = NULL;
  g_autoptr(GError) error = NULL;

  write_whole (path, journal, -1);
  back = mpy_autosave_load_full (path, &warning, &error);
  g_assert_null (back);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "autosave.mpysession"));

  /* Nor does a new run's first record cut it off. */
  {
    g_autoptr(MpyAutosave) autosave = mpy_autosave_new (path);
    g_autoptr(GPtrArray) list = make_rich_list ();
    g_autofree char *now = NULL;

    mpy_autosave_add (autosave, g_ptr_array_index (list, 0));
    mpy_autosave_flush (autosave);
    now = read_whole (path, NULL);
    g_assert_true (g_str_has_prefix (now, journal));
  }

  mpy_test_remove_tree (dir);
}

/* 8: years below 1000 */

static void
test_year_below_1000 (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) old = g_date_time_new (utc, 226, 11, 25, 17, 2, 3.5);
  g_autoptr(GDateTime) older = g_date_time_new (utc, 7, 1, 2, 3, 4, 5);
  g_autoptr(MpySnapshot) dump = first_dump_of ("unix-heap256k-after-alloc.txt");
  g_autoptr(GPtrArray) list = new_list ();
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  g_ptr_array_add (list, mpy_snapshot_with_metadata (dump, old, "old", NULL, NULL, 0));
  g_ptr_array_add (list, mpy_snapshot_with_metadata (dump, older, "older", NULL, NULL, 0));
  text = mpy_session_to_text (list, &length);
  g_assert_nonnull (strstr (text, " time=0226-11-25T17:02:03.500000Z "));
  g_assert_nonnull (strstr (text, " time=0007-01-02T03:04:05.000000Z "));
  back = mpy_session_read_text (text, length, &error);
  g_assert_no_error (error);
  assert_same_list (list, back);

  /* What older versions wrote: the year unpadded. */
  {
    g_autoptr(GString) legacy = g_string_new (text);
    g_autoptr(GPtrArray) legacy_back = NULL;

    g_string_replace (legacy, "time=0226-", "time=226-", 1);
    g_string_replace (legacy, "time=0007-", "time=7-", 1);
    legacy_back = mpy_session_read_text (legacy->str, legacy->len, &error);
    g_assert_no_error (error);
    assert_same_list (list, legacy_back);
  }
}

/* 9: kill -9 during a save */

static void
kill_saves (const char *flag,
            guint      *n_trials,
            guint      *n_left)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-safety");
  g_autofree char *path = g_build_filename (dir, "big.mpysession", NULL);
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "session", "test-autosave-helper", NULL);
  g_autofree char *fixture = fixture_path ("unix-heap256k-fragmented.txt");
  g_autoptr(GPtrArray) small = new_list ();
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (9);
  goffset largest = 0;

  for (guint trial = 0; trial < 10; trial++)
    {
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *line = NULL;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                helper, flag, path, fixture, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
      line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, "saving 0");
      g_usleep (g_rand_int_range (rand, 20, 400) * 1000);
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child));
      (*n_trials)++;
      if (count_temporaries (dir, &largest) > 0 && largest > 4096)
        (*n_left)++;
    }

  /* The next save removes whatever the killed ones left. */
  g_ptr_array_add (small, first_dump_of ("microbit-v1.0.1-meminfo-noarg.txt"));
  g_assert_true (mpy_session_write_file (path, small, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_temporaries (dir, &largest), ==, 0);
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);

  g_rand_free (rand);
  mpy_test_remove_tree (dir);
}

static void
test_kill9_during_save (void)
{
  guint trials = 0, left = 0, named_trials = 0, named_left = 0;

  kill_saves ("--save", &trials, &left);
  kill_saves ("--save-named", &named_trials, &named_left);
  g_test_message ("kill -9 during a save: a full-size temporary left in %u of %u trials "
                  "(O_TMPFILE), %u of %u (named temporary); none after the next save",
                  left, trials, named_left, named_trials);
}

static void
test_stale_temporaries_removed (void)
{
  /* Temporaries of a save whose process is gone are removed by the next save; those of a
   * running process and other people's files are not. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-safety");
  g_autofree char *path = g_build_filename (dir, "s.mpysession", NULL);
  g_autoptr(GPtrArray) small = new_list ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stale = NULL;
  g_autofree char *live = NULL;
  g_autofree char *other = g_build_filename (dir, ".s.mpysession.other-program-123-x", NULL);
  goffset largest = 0;
  pid_t dead;

  /* A process id that is certainly gone: a child that has exited and been reaped. */
  dead = fork ();
  g_assert_cmpint (dead, >=, 0);
  if (dead == 0)
    _exit (0);
  g_assert_cmpint (waitpid (dead, NULL, 0), ==, dead);

  stale = g_strdup_printf ("%s/.s.mpysession.mpymemmap-tmp-%d-0badf00d", dir, (int) dead);
  live = g_strdup_printf ("%s/.s.mpysession.mpymemmap-tmp-%d-0000cafe", dir, (int) getppid ());
  write_whole (stale, "half a session", -1);
  write_whole (live, "a save in progress", -1);
  write_whole (other, "not ours", -1);

  g_ptr_array_add (small, first_dump_of ("microbit-v1.0.1-meminfo-noarg.txt"));
  g_assert_true (mpy_session_write_file (path, small, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_temporaries (dir, &largest), ==, 1);

  /* At start, the autosave clears its folder of them, whatever file they were for. */
  {
    g_autofree char *journal = g_build_filename (dir, "autosave-1.mpysession", NULL);
    g_autofree char *of_other = g_strdup_printf ("%s/.autosave-0.mpysession.mpymemmap-tmp-%d-0badf00d",
                                                 dir, (int) dead);
    g_autoptr(MpyAutosave) autosave = NULL;

    write_whole (of_other, "half a journal", -1);
    autosave = mpy_autosave_new (journal);
    mpy_autosave_flush (autosave);
    g_assert_false (g_file_test (of_other, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  }

  mpy_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session-safety/noisy/save-as", test_noisy_save_as);
  g_test_add_func ("/session-safety/noisy/nul-in-record", test_nul_in_record);
  g_test_add_func ("/session-safety/truncated/every-byte", test_truncated_every_byte);
  g_test_add_func ("/session-safety/truncated/byte-count", test_byte_count_disagrees);
  g_test_add_func ("/session-safety/truncated/file-message", test_truncated_file_message);
  g_test_add_func ("/session-safety/full-disk/append", test_append_full_disk);
  g_test_add_func ("/session-safety/full-disk/append-tmpfs", test_append_real_full_disk);
  g_test_add_func ("/session-safety/full-disk/autosave", test_autosave_full_disk);
  g_test_add_func ("/session-safety/journal/skips-damaged", test_autosave_skips_damaged);
  g_test_add_func ("/session-safety/journal/unreadable-kept", test_autosave_unreadable_kept);
  g_test_add_func ("/session-safety/time/year-below-1000", test_year_below_1000);
  g_test_add_func ("/session-safety/save/kill9", test_kill9_during_save);
  g_test_add_func ("/session-safety/save/stale-temporaries", test_stale_temporaries_removed);

  return g_test_run ();
}
