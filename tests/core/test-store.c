/* test-store.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Long sessions: snapshots store their map and raw text as deltas against the dump before
 * (mpy-blob.c). What is made from a delta must be exactly what was read, from any thread,
 * in any order, after any of the other snapshots are gone. */

#include <string.h>

#include <glib/gstdio.h>

#include "mpy-blob-private.h"
#include "mpy-dump-reader.h"
#include "mpy-session.h"
#include "mpy-snapshot-private.h"
#include "mpy-stats.h"

#define N_BLOCKS 8128
#define N_LINES  (N_BLOCKS / 64)

/* ---------- a long console log ---------- */

typedef struct {
  char       *log;
  gsize       length;
  GPtrArray  *dumps;   /* char*: each dump's own text, as the log has it */
} LongLog;

static void
long_log_free (LongLog *l)
{
  g_free (l->log);
  g_ptr_array_unref (l->dumps);
  g_free (l);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LongLog, long_log_free)

/* @n dumps of an 8,128-block heap, each a little different from the one before, and now and
 * then much more: a run of lines freed (printed as `(N lines all free)`) and filled again, a
 * lost line (a damaged dump), \r\n line ends, a line the program printed into the dump, a
 * dump without a map, a dump the same as the one before. */
static LongLog *
long_log_new (guint   n,
              guint32 seed)
{
  static const char kinds[] = "h=TLDSABFM..";
  LongLog *l = g_new0 (LongLog, 1);
  GString *log = g_string_new ("boot\n");
  guint8 map[N_BLOCKS];
  GString *previous = NULL;

  l->dumps = g_ptr_array_new_with_free_func (g_free);
  for (guint b = 0; b < N_BLOCKS; b++)
    map[b] = b % 3 == 0 ? '.' : b % 3 == 1 ? 'h' : '=';

  for (guint d = 0; d < n; d++)
    {
      g_autoptr(GString) dump = g_string_new (NULL);
      const char *eol = d % 29 == 7 ? "\r\n" : "\n";
      guint lost = d % 53 == 11 ? 1 + d % (N_LINES - 2) : G_MAXUINT;
      gsize used = 0;

      g_string_append_printf (log, "step %u done%s", d, eol);
      if (d % 71 == 5 && previous != NULL)
        {
          /* Idle: the same dump again. */
          g_string_append_len (log, previous->str, previous->len);
          g_ptr_array_add (l->dumps, g_strndup (previous->str, previous->len));
          continue;
        }
      for (guint k = 0; k < 1 + d % 30; k++)
        {
          seed = seed * 1103515245u + 12345u;
          map[(seed >> 8) % N_BLOCKS] = kinds[(seed >> 4) % (sizeof kinds - 1)];
        }
      if (d % 37 == 3)
        memset (map + 64 * (10 + d % 50), '.', 64 * (2 + d % 7));
      if (d % 37 == 20)
        for (guint b = 64 * 10; b < 64 * 70; b += 3)
          map[b] = 'h';
      for (guint b = 0; b < N_BLOCKS; b++)
        used += map[b] != '.';

      g_string_append_printf (dump, "stack: 928 out of 80000%s"
                              "GC: total: %u, used: %zu, free: %zu%s"
                              " No. of 1-blocks: 20, 2-blocks: 6, max blk sz: 9, max free sz: 43%s",
                              eol, N_BLOCKS * 16, used * 16, (N_BLOCKS - used) * 16, eol, eol);
      if (d % 97 != 13)
        {
          g_string_append_printf (dump, "GC memory layout; from 20000000:%s", eol);
          for (guint line = 0; line < N_LINES; line++)
            {
              guint run = 0;

              while (line + run < N_LINES
                     && strspn ((const char *) map + 64 * (line + run), ".") >= 64)
                run++;
              if (run >= 2 && line > 0)
                {
                  g_string_append_printf (dump, "       (%u lines all free)%s", run, eol);
                  line += run - 1;
                  continue;
                }
              if (line == lost)
                continue;
              if (d % 31 == 17 && line == 40)
                g_string_append_printf (dump, "tick %u%s", d, eol);
              g_string_append_printf (dump, "%05x: ", line * 64 * 16);
              g_string_append_len (dump, (const char *) map + 64 * line, 64);
              g_string_append (dump, eol);
            }
        }
      g_string_append_len (log, dump->str, dump->len);
      g_ptr_array_add (l->dumps, g_strndup (dump->str, dump->len));
      if (previous != NULL)
        g_string_free (previous, TRUE);
      previous = g_steal_pointer (&dump);
    }
  g_string_append (log, "done\n");
  if (previous != NULL)
    g_string_free (previous, TRUE);
  l->length = log->len;
  l->log = g_string_free (log, FALSE);
  return l;
}

/* Each dump read alone: one snapshot, its own whole map and text, as before deltas. */
static GPtrArray *
read_each_alone (LongLog *l)
{
  GPtrArray *alone = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; i < l->dumps->len; i++)
    {
      const char *text = g_ptr_array_index (l->dumps, i);
      g_autoptr(GError) error = NULL;
      MpySnapshot *s = mpy_dump_reader_read_one (text, -1, &error);

      g_assert_no_error (error);
      g_ptr_array_add (alone, s);
    }
  return alone;
}

static void
assert_bytes_equal (GBytes *got,
                    GBytes *want)
{
  gsize n_got, n_want;
  const guint8 *a = g_bytes_get_data (got, &n_got);
  const guint8 *b = g_bytes_get_data (want, &n_want);

  g_assert_cmpuint (n_got, ==, n_want);
  if (n_got > 0)
    g_assert_true (memcmp (a, b, n_got) == 0);
}

/* @got has @want's map, raw text, figures, statistics and verdict. */
static void
assert_same_snapshot (MpySnapshot *got,
                      MpySnapshot *want)
{
  g_autoptr(GBytes) got_kinds = mpy_snapshot_ref_kinds (got);
  g_autoptr(GBytes) want_kinds = mpy_snapshot_ref_kinds (want);
  g_autoptr(GBytes) got_raw = mpy_snapshot_ref_raw_text (got);
  g_autoptr(GBytes) want_raw = mpy_snapshot_ref_raw_text (want);
  MpyStats sg, sw;
  guint ng, nw;
  const MpyBlockRange *rg = mpy_snapshot_get_missing_ranges (got, &ng);
  const MpyBlockRange *rw = mpy_snapshot_get_missing_ranges (want, &nw);

  assert_bytes_equal (got_kinds, want_kinds);
  assert_bytes_equal (got_raw, want_raw);
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (got), ==, mpy_snapshot_get_n_blocks (want));
  g_assert_cmpuint (mpy_snapshot_get_raw_length (got), ==, mpy_snapshot_get_raw_length (want));
  g_assert_cmpint (((const char *) g_bytes_get_data (got_raw, NULL))[g_bytes_get_size (got_raw)], ==, '\0');
  for (MpyFigure f = 0; f < MPY_N_FIGURES; f++)
    {
      guint64 vg, vw;

      g_assert_cmpint (mpy_snapshot_get_figure (got, f, &vg), ==, mpy_snapshot_get_figure (want, f, &vw));
      g_assert_cmpuint (vg, ==, vw);
    }
  g_assert_cmpint (mpy_snapshot_is_damaged (got), ==, mpy_snapshot_is_damaged (want));
  g_assert_cmpuint (ng, ==, nw);
  for (guint k = 0; k < ng; k++)
    {
      g_assert_cmpuint (rg[k].first_block, ==, rw[k].first_block);
      g_assert_cmpuint (rg[k].n_blocks, ==, rw[k].n_blocks);
    }
  mpy_stats_compute (got, &sg);
  mpy_stats_compute (want, &sw);
  g_assert_cmpuint (sg.used_blocks, ==, sw.used_blocks);
  g_assert_cmpuint (sg.free_blocks, ==, sw.free_blocks);
  g_assert_cmpuint (sg.n_objects, ==, sw.n_objects);
  g_assert_cmpuint (sg.largest_free_run, ==, sw.largest_free_run);
  g_assert_cmpuint (sg.free_holes, ==, sw.free_holes);
  g_assert_cmpfloat (sg.fragmentation, ==, sw.fragmentation);
  g_assert_true (memcmp (sg.histogram, sw.histogram, sizeof sg.histogram) == 0);
}

/* Bytes the snapshots of @dumps hold themselves (each blob counted once), and the bytes of
 * all their maps and texts. */
static void
storage_of (GPtrArray *dumps,
            gsize     *stored,
            gsize     *total)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  *stored = *total = 0;
  for (guint i = 0; i < dumps->len; i++)
    {
      const MpySnapshotData *data = _mpy_snapshot_get_data (g_ptr_array_index (dumps, i));
      MpyBlob *blobs[2] = { data->kinds, data->raw };

      for (guint k = 0; k < 2; k++)
        {
          *total += _mpy_blob_get_length (blobs[k]);
          if (g_hash_table_add (seen, blobs[k]))
            *stored += _mpy_blob_get_stored_size (blobs[k]);
        }
    }
}

/* ---------- tests ---------- */

/* Every snapshot of a long log has the map, text, figures and verdict it has read alone,
 * while the log's snapshots hold a small part of those bytes. */
static void
test_long_log_same_as_alone (void)
{
  g_autoptr(LongLog) l = long_log_new (700, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (l->log, (gssize) l->length, &error);
  g_autoptr(GPtrArray) alone = read_each_alone (l);
  gsize stored, total;
  guint n_deltas = 0, max_depth = 0, n_damaged = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (dumps->len, ==, l->dumps->len);
  for (guint i = 0; i < dumps->len; i++)
    {
      MpySnapshot *s = g_ptr_array_index (dumps, i);
      const MpySnapshotData *data = _mpy_snapshot_get_data (s);

      assert_same_snapshot (s, g_ptr_array_index (alone, i));
      /* The raw text is the dump's own text, byte for byte. */
      g_assert_cmpstr (mpy_snapshot_get_raw_text (g_ptr_array_index (alone, i)), ==,
                       (const char *) g_ptr_array_index (l->dumps, i));
      n_deltas += !_mpy_blob_is_whole (data->kinds) + !_mpy_blob_is_whole (data->raw);
      max_depth = MAX (max_depth, _mpy_blob_get_depth (data->kinds));
      n_damaged += mpy_snapshot_is_damaged (s) && mpy_snapshot_get_missing_ranges (s, &(guint) { 0 }) != NULL;
    }
  g_assert_cmpuint (n_damaged, >=, 10);
  g_assert_cmpuint (n_deltas, >, dumps->len * 3 / 2);
  g_assert_cmpuint (max_depth, >=, 100);
  storage_of (dumps, &stored, &total);
  g_test_message ("%u dumps: %zu bytes of maps and text stored in %zu", dumps->len, total, stored);
  g_assert_cmpuint (stored, <, total / 8);
}

/* The transfer-none getters keep what they made for the snapshot's life. */
static void
test_get_keeps_for_life (void)
{
  g_autoptr(LongLog) l = long_log_new (40, 2);
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (l->log, (gssize) l->length, NULL);
  g_autoptr(GPtrArray) alone = read_each_alone (l);
  MpySnapshot *s = g_ptr_array_index (dumps, 30);
  const guint8 *kinds = mpy_snapshot_get_kinds (s);
  const char *raw = mpy_snapshot_get_raw_text (s);

  g_assert_false (_mpy_blob_is_whole (_mpy_snapshot_get_data (s)->kinds));
  /* Thrown out of the cache by others; the pointers stay valid and the same. */
  for (guint i = 0; i < dumps->len; i++)
    g_bytes_unref (mpy_snapshot_ref_kinds (g_ptr_array_index (dumps, i)));
  g_assert_true (mpy_snapshot_get_kinds (s) == kinds);
  g_assert_true (mpy_snapshot_get_raw_text (s) == raw);
  g_assert_true (memcmp (kinds, mpy_snapshot_get_kinds (g_ptr_array_index (alone, 30)), N_BLOCKS) == 0);
  g_assert_cmpstr (raw, ==, mpy_snapshot_get_raw_text (g_ptr_array_index (alone, 30)));
}

/* A snapshot deep in a chain outlives the read and every other snapshot of it (and the
 * cache): what it shows is still exactly its own. */
static void
test_outlives_its_chain (void)
{
  g_autoptr(LongLog) l = long_log_new (300, 3);
  g_autoptr(LongLog) other = long_log_new (60, 4);
  g_autoptr(GPtrArray) alone = read_each_alone (l);
  GPtrArray *dumps = mpy_dump_reader_read (l->log, (gssize) l->length, NULL);
  g_autoptr(MpySnapshot) last = mpy_snapshot_ref (g_ptr_array_index (dumps, dumps->len - 1));
  g_autoptr(MpySnapshot) middle = mpy_snapshot_with_label (g_ptr_array_index (dumps, 150), "kept");
  g_autoptr(GPtrArray) others = NULL;
  guint n_entries;
  gsize n_bytes, max_bytes;

  g_assert_false (_mpy_blob_is_whole (_mpy_snapshot_get_data (last)->kinds));
  g_assert_cmpuint (_mpy_blob_get_depth (_mpy_snapshot_get_data (last)->kinds), >, 1);
  g_ptr_array_unref (dumps);

  /* Another log's maps fill the cache. */
  others = mpy_dump_reader_read (other->log, (gssize) other->length, NULL);
  for (guint i = 0; i < others->len; i++)
    {
      g_bytes_unref (mpy_snapshot_ref_kinds (g_ptr_array_index (others, i)));
      g_bytes_unref (mpy_snapshot_ref_raw_text (g_ptr_array_index (others, i)));
    }
  _mpy_blob_cache_get_usage (&n_entries, &n_bytes, &max_bytes);
  g_assert_cmpuint (n_entries, >, 0);
  g_assert_cmpuint (n_bytes, <=, max_bytes);

  assert_same_snapshot (last, g_ptr_array_index (alone, alone->len - 1));
  assert_same_snapshot (middle, g_ptr_array_index (alone, 150));
  g_assert_cmpstr (mpy_snapshot_get_label (middle), ==, "kept");
  g_clear_pointer (&others, g_ptr_array_unref);
  assert_same_snapshot (last, g_ptr_array_index (alone, alone->len - 1));
}

typedef struct {
  GPtrArray *dumps;
  GPtrArray *alone;
  gboolean   backwards;
} WalkData;

static gpointer
walk_thread (gpointer user_data)
{
  WalkData *w = user_data;

  for (guint round = 0; round < 3; round++)
    for (guint k = 0; k < w->dumps->len; k++)
      {
        guint i = w->backwards ? w->dumps->len - 1 - k : (k * 7 + round) % w->dumps->len;
        g_autoptr(GBytes) kinds = mpy_snapshot_ref_kinds (g_ptr_array_index (w->dumps, i));
        g_autoptr(GBytes) raw = mpy_snapshot_ref_raw_text (g_ptr_array_index (w->dumps, i));
        const guint8 *want_kinds = mpy_snapshot_get_kinds (g_ptr_array_index (w->alone, i));
        const char *want_raw = mpy_snapshot_get_raw_text (g_ptr_array_index (w->alone, i));

        g_assert_cmpuint (g_bytes_get_size (kinds), ==, mpy_snapshot_get_n_blocks (g_ptr_array_index (w->alone, i)));
        g_assert_true (g_bytes_get_size (kinds) == 0
                       || memcmp (g_bytes_get_data (kinds, NULL), want_kinds, g_bytes_get_size (kinds)) == 0);
        g_assert_cmpuint (g_bytes_get_size (raw), ==, strlen (want_raw));
        g_assert_true (memcmp (g_bytes_get_data (raw, NULL), want_raw, g_bytes_get_size (raw)) == 0);
      }
  return NULL;
}

/* Two threads make the maps and texts of one log at once, in different orders, under the
 * cache's bound. */
static void
test_two_threads (void)
{
  g_autoptr(LongLog) l = long_log_new (400, 5);
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (l->log, (gssize) l->length, NULL);
  g_autoptr(GPtrArray) alone = read_each_alone (l);
  WalkData a = { dumps, alone, FALSE }, b = { dumps, alone, TRUE };
  GThread *ta, *tb;
  guint n_entries;
  gsize n_bytes, max_bytes;

  /* (The references' bytes are whole: reading them from both threads is plain memory.) */
  for (guint i = 0; i < alone->len; i++)
    g_assert_true (_mpy_blob_is_whole (_mpy_snapshot_get_data (g_ptr_array_index (alone, i))->raw));
  ta = g_thread_new ("walk-forward", walk_thread, &a);
  tb = g_thread_new ("walk-backward", walk_thread, &b);
  g_thread_join (ta);
  g_thread_join (tb);
  _mpy_blob_cache_get_usage (&n_entries, &n_bytes, &max_bytes);
  g_assert_cmpuint (n_bytes, <=, max_bytes);
  g_assert_cmpuint (n_entries, <=, 16);
}

/* Saved as a session and read back: the same snapshots, stored as deltas again, and saved
 * again the file is the same byte for byte. */
static void
test_session_round_trip (void)
{
  g_autoptr(LongLog) l = long_log_new (300, 6);
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (l->log, (gssize) l->length, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  gsize length, length_again, stored, total;

  text = mpy_session_to_text (dumps, &length);
  back = mpy_session_read_text (text, (gssize) length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, dumps->len);
  for (guint i = 0; i < dumps->len; i++)
    assert_same_snapshot (g_ptr_array_index (back, i), g_ptr_array_index (dumps, i));
  storage_of (back, &stored, &total);
  g_assert_cmpuint (stored, <, total / 8);
  again = mpy_session_to_text (back, &length_again);
  g_assert_cmpuint (length_again, ==, length);
  g_assert_true (memcmp (text, again, length) == 0);
}

/* Saving writes a record at a time: the file is the session text made whole, and the gzip
 * file reads back as the same snapshots. */
static void
test_session_file_written_in_pieces (void)
{
  g_autoptr(LongLog) l = long_log_new (200, 8);
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (l->log, (gssize) l->length, NULL);
  g_autofree char *dir = g_dir_make_tmp ("mpy-store-XXXXXX", NULL);
  g_autofree char *plain = g_build_filename (dir, "long.mpysession", NULL);
  g_autofree char *packed = g_build_filename (dir, "long.mpysession.gz", NULL);
  g_autofree char *text = NULL;
  g_autofree char *written = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = NULL;
  gsize length, written_length;

  text = mpy_session_to_text (dumps, &length);
  g_assert_cmpuint (length, >, 3 * 64 * 1024);   /* more than a few pieces */
  g_assert_true (mpy_session_write_file (plain, dumps, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (plain, &written, &written_length, NULL));
  g_assert_cmpuint (written_length, ==, length);
  g_assert_true (memcmp (written, text, length) == 0);

  g_assert_true (mpy_session_write_file (packed, dumps, &error));
  g_assert_no_error (error);
  back = mpy_session_read_file (packed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, dumps->len);
  for (guint i = 0; i < dumps->len; i++)
    assert_same_snapshot (g_ptr_array_index (back, i), g_ptr_array_index (dumps, i));

  g_unlink (plain);
  g_unlink (packed);
  g_rmdir (dir);
}

/* ---------- blobs of any bytes ---------- */

static guint32
next_random (guint32 *state)
{
  *state = *state * 1664525u + 1013904223u;
  return *state >> 8;
}

/* One change of a text: a byte, a line inserted, dropped, doubled, made longer or shorter,
 * \r\n, a NUL, the end cut or grown. */
static void
mutate_text (GString *s,
             guint32 *state)
{
  guint op = next_random (state) % 9;
  gsize at = s->len > 0 ? next_random (state) % s->len : 0;
  const char *nl = memchr (s->str + at, '\n', s->len - at);
  gsize line = nl != NULL ? (gsize) (nl - s->str) + 1 : s->len;
  gsize next = line < s->len ? (memchr (s->str + line, '\n', s->len - line) != NULL
                                ? (gsize) ((char *) memchr (s->str + line, '\n', s->len - line) - s->str) + 1
                                : s->len)
                             : s->len;

  switch (op)
    {
    case 0:
      if (s->len > 0)
        s->str[at] = "abc.=h\n\r"[next_random (state) % 8];
      break;
    case 1:
      g_string_insert (s, (gssize) line, "an inserted line\n");
      break;
    case 2:
      g_string_erase (s, (gssize) line, (gssize) (next - line));
      break;
    case 3:
      {
        g_autofree char *copy = g_strndup (s->str + line, next - line);

        g_string_insert (s, (gssize) line, copy);
      }
      break;
    case 4:
      g_string_insert (s, (gssize) at, "xyz");
      break;
    case 5:
      if (s->len > at + 2)
        g_string_erase (s, (gssize) at, 2);
      break;
    case 6:
      g_string_insert (s, (gssize) line, "\r\n");
      break;
    case 7:
      g_string_insert_c (s, (gssize) at, '\0');
      break;
    default:
      if (next_random (state) % 2 && s->len > 40)
        g_string_truncate (s, s->len - 40);
      else
        g_string_append (s, "00400: hhhh====....\n");
      break;
    }
}

static GBytes *
bytes_of (GString *s)
{
  char *copy = g_malloc (s->len + 1);

  memcpy (copy, s->str, s->len);
  copy[s->len] = '\0';
  return g_bytes_new_take (copy, s->len);
}

/* A chain of texts changed a little each time, and now and then a lot, made back in any
 * order: always the same bytes. */
static void
test_blob_text_chain (void)
{
  guint32 state = 7;
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _mpy_blob_unref);
  g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  MpyBlobChain chain = { 0 };
  guint n_deltas = 0;

  for (guint line = 0; line < 60; line++)
    g_string_append_printf (s, "%05x: hhhh====....TTTT%s", line * 1024, line % 7 == 3 ? "\r\n" : "\n");
  for (guint step = 0; step < 700; step++)
    {
      guint n_changes = step % 50 == 49 ? 40 : 1 + next_random (&state) % 4;
      MpyBlob *blob;

      for (guint c = 0; c < n_changes; c++)
        mutate_text (s, &state);
      blob = _mpy_blob_chain_append (&chain, bytes_of (s), MPY_BLOB_TEXT);
      n_deltas += !_mpy_blob_is_whole (blob);
      g_ptr_array_add (blobs, blob);
      g_ptr_array_add (want, bytes_of (s));
    }
  _mpy_blob_chain_clear (&chain);
  g_assert_cmpuint (n_deltas, >, 500);

  for (guint k = 0; k < blobs->len; k++)
    {
      guint i = next_random (&state) % blobs->len;
      g_autoptr(GBytes) got = _mpy_blob_ref_bytes (g_ptr_array_index (blobs, i));

      assert_bytes_equal (got, g_ptr_array_index (want, i));
      g_assert_cmpint (((const char *) g_bytes_get_data (got, NULL))[g_bytes_get_size (got)], ==, '\0');
    }
  /* Dropping every other blob leaves the rest whole in meaning. */
  for (guint i = 0; i < blobs->len; i += 2)
    {
      _mpy_blob_unref (g_ptr_array_index (blobs, i));
      g_ptr_array_index (blobs, i) = _mpy_blob_new_whole (g_bytes_ref (g_ptr_array_index (want, i)));
    }
  for (guint i = blobs->len; i-- > 0;)
    {
      g_autoptr(GBytes) got = _mpy_blob_ref_bytes (g_ptr_array_index (blobs, i));

      assert_bytes_equal (got, g_ptr_array_index (want, i));
    }
}

/* Maps: blocks changed in place make in-place deltas; a map of another length is whole. */
static void
test_blob_block_chain (void)
{
  guint32 state = 11;
  gsize n = 4096;
  g_autofree guint8 *map = g_malloc (n);
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _mpy_blob_unref);
  g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  MpyBlobChain chain = { 0 };

  memset (map, '.', n);
  for (guint step = 0; step < 600; step++)
    {
      MpyBlob *blob;
      GBytes *bytes;

      if (step % 97 == 50)
        {
          n += 64;
          map = g_realloc (map, n);
          memset (map + n - 64, '=', 64);
        }
      for (guint c = 0; c < 1 + step % 40; c++)
        map[next_random (&state) % n] = "h=.TL"[next_random (&state) % 5];
      bytes = g_bytes_new (map, n);
      blob = _mpy_blob_chain_append (&chain, g_bytes_ref (bytes), MPY_BLOB_BLOCKS);
      if (step % 97 == 50)
        g_assert_true (_mpy_blob_is_whole (blob));
      g_ptr_array_add (blobs, blob);
      g_ptr_array_add (want, bytes);
    }
  /* The same map again is the same blob. */
  {
    MpyBlob *again = _mpy_blob_chain_append (&chain, g_bytes_new (map, n), MPY_BLOB_BLOCKS);

    g_assert_true (again == g_ptr_array_index (blobs, blobs->len - 1));
    _mpy_blob_unref (again);
  }
  _mpy_blob_chain_clear (&chain);
  for (guint i = blobs->len; i-- > 0;)
    {
      g_autoptr(GBytes) got = _mpy_blob_ref_bytes (g_ptr_array_index (blobs, i));

      assert_bytes_equal (got, g_ptr_array_index (want, i));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/store/long-log-same-as-alone", test_long_log_same_as_alone);
  g_test_add_func ("/core/store/get-keeps-for-life", test_get_keeps_for_life);
  g_test_add_func ("/core/store/outlives-its-chain", test_outlives_its_chain);
  g_test_add_func ("/core/store/two-threads", test_two_threads);
  g_test_add_func ("/core/store/session-round-trip", test_session_round_trip);
  g_test_add_func ("/core/store/session-file-written-in-pieces", test_session_file_written_in_pieces);
  g_test_add_func ("/core/store/blob-text-chain", test_blob_text_chain);
  g_test_add_func ("/core/store/blob-block-chain", test_blob_block_chain);

  return g_test_run ();
}
