/* test-core.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-metric.h"
#include "mpy-file-loader.h"
#include "mpy-fit.h"
#include "mpy-snapshot.h"
#include "mpy-snapshot-private.h"
#include "mpy-stats.h"

/* ---------- helpers ---------- */

static char *
load_file (const char *dir,
           const char *name,
           gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
fixture_names (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fixtures", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".txt"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >=, 30);
  return names;
}

static gboolean
is_transcript (const char *name)
{
  return strstr (name, "transcript") != NULL || strstr (name, "capture-log") != NULL;
}

static GPtrArray *
read_ok (const char *text,
         gssize      length)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *dumps = mpy_dump_reader_read (text, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dumps);
  return dumps;
}

static MpySnapshot *
read_one_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  MpySnapshot *s = mpy_dump_reader_read_one (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

/* Reads "<prefix><number>" from @text independently of the reader. */
static gboolean
scan_figure (const char *text,
             const char *prefix,
             guint64    *value)
{
  const char *p = strstr (text, prefix);

  if (p == NULL)
    return FALSE;
  *value = g_ascii_strtoull (p + strlen (prefix), NULL, 10);
  return TRUE;
}

static guint64
figure (MpySnapshot *s,
        MpyFigure    f)
{
  guint64 v = 0;

  g_assert_true (mpy_snapshot_get_figure (s, f, &v));
  return v;
}

/* Decodes the board-to-host side ("<<" lines) of a transcript: \r \n \xNN escapes. */
static GString *
decode_transcript (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    {
      const char *p = strstr (lines[i], " << ");

      if (p == NULL || lines[i][0] == '#')
        continue;
      for (p += 4; *p; p++)
        {
          if (p[0] == '\\' && p[1] == 'r')
            g_string_append_c (out, '\r'), p++;
          else if (p[0] == '\\' && p[1] == 'n')
            g_string_append_c (out, '\n'), p++;
          else if (p[0] == '\\' && p[1] == 'x' && g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
            {
              char c = (char) (g_ascii_xdigit_value (p[2]) * 16 + g_ascii_xdigit_value (p[3]));

              /* The raw-paste handshake (`R\x01\x80\x00\x01`) carries a NUL; the
               * device layer consumes it, so the reader never sees it. */
              if (c != '\0')
                g_string_append_c (out, c);
              p += 3;
            }
          else if (p[0] == '\\' && p[1] == '\\')
            g_string_append_c (out, '\\'), p++;
          else
            g_string_append_c (out, *p);
        }
    }
  return out;
}

static guint
count_substrings (const char *text,
                  gsize       length,
                  const char *needle)
{
  guint n = 0;
  const char *p = text, *end = text + length;

  while ((p = g_strstr_len (p, end - p, needle)))
    n++, p++;
  return n;
}

/* The text of @text with its line number @line_no (1-based) removed. */
static char *
delete_line (const char *text,
             guint       line_no)
{
  const char *p = text;
  const char *end;
  g_autofree char *head = NULL;

  for (guint i = 1; i < line_no; i++)
    {
      p = strchr (p, '\n');
      g_assert_nonnull (p);
      p++;
    }
  end = strchr (p, '\n');
  g_assert_nonnull (end);
  head = g_strndup (text, p - text);
  return g_strconcat (head, end + 1, NULL);
}

static guint
line_of (const char *text,
         const char *needle)
{
  const char *p = strstr (text, needle);
  guint n = 1;

  g_assert_nonnull (p);
  for (const char *q = text; q < p; q++)
    if (*q == '\n')
      n++;
  return n;
}

static void
assert_damaged (MpySnapshot *s,
                const char  *reason_part)
{
  g_assert_true (mpy_snapshot_is_damaged (s));
  g_assert_nonnull (mpy_snapshot_get_damage_reason (s));
  if (reason_part && strstr (mpy_snapshot_get_damage_reason (s), reason_part) == NULL)
    g_error ("damage reason “%s” does not mention “%s”", mpy_snapshot_get_damage_reason (s), reason_part);
}

static void
assert_consistent (MpySnapshot *s)
{
  if (mpy_snapshot_is_damaged (s))
    g_error ("unexpectedly damaged: %s", mpy_snapshot_get_damage_reason (s));
  g_assert_null (mpy_snapshot_get_damage_reason (s));
}

/* ---------- fixtures ---------- */

/* Each area's largest free run, as the Fits? entry and `stats` give it, equals the first
 * longest run of free blocks in that area of the map. */
static void
assert_area_free_runs (MpySnapshot *s)
{
  const guint8 *kinds = mpy_snapshot_get_kinds (s);

  for (guint a = 0; mpy_snapshot_has_map (s) && a < mpy_snapshot_get_n_areas (s); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (s, a);
      gsize best = 0, best_start = 0, run = 0;
      MpyFreeRun got = { 0 };

      for (gsize i = 0; i < area->n_blocks; i++)
        {
          run = kinds[area->first_block + i] == MPY_KIND_FREE ? run + 1 : 0;
          if (run > best)
            {
              best = run;
              best_start = area->first_block + i + 1 - run;
            }
        }
      g_assert_cmpint (mpy_fit_area_largest_free_run (s, a, &got), ==, best > 0);
      g_assert_cmpuint (got.n_blocks, ==, best);
      if (best > 0)
        {
          g_assert_cmpuint (got.first_block, ==, best_start);
          g_assert_cmpuint (got.address, ==, area->base
                            + (best_start - area->first_block) * mpy_snapshot_get_bytes_per_block (s));
        }
    }
}

static void
check_fixture_dump (const char  *name,
                    const char  *text,
                    MpySnapshot *s)
{
  const char *raw_start;
  guint64 v = 0;
  MpyStats st;

  assert_consistent (s);
  assert_area_free_runs (s);

  /* Every figure the file prints equals the snapshot's. */
  if (scan_figure (text, "mem: total=", &v))
    {
      g_assert_cmpuint (figure (s, MPY_FIGURE_MEM_TOTAL), ==, v);
      scan_figure (text, "peak=", &v);
      g_assert_cmpuint (figure (s, MPY_FIGURE_MEM_PEAK), ==, v);
    }
  else
    g_assert_false (mpy_snapshot_get_figure (s, MPY_FIGURE_MEM_TOTAL, NULL));
  scan_figure (text, "stack: ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_STACK_USED), ==, v);
  scan_figure (text, " out of ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_STACK_LIMIT), ==, v);
  scan_figure (text, "GC: total: ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_GC_TOTAL), ==, v);
  scan_figure (text, ", used: ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_GC_USED), ==, v);
  scan_figure (text, ", free: ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_GC_FREE), ==, v);
  scan_figure (text, "1-blocks: ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_ONE_BLOCKS), ==, v);
  scan_figure (text, "2-blocks: ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_TWO_BLOCKS), ==, v);
  scan_figure (text, "max blk sz: ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_MAX_BLOCK), ==, v);
  scan_figure (text, "max free sz: ", &v);
  g_assert_cmpuint (figure (s, MPY_FIGURE_MAX_FREE), ==, v);
  g_assert_false (mpy_snapshot_get_figure (s, MPY_FIGURE_GC_MAX_NEW_SPLIT, NULL));

  /* The raw text is the dump's own lines, verbatim. */
  raw_start = strstr (text, "mem: ");
  if (raw_start == NULL)
    raw_start = strstr (text, "stack: ");
  g_assert_cmpstr (mpy_snapshot_get_raw_text (s), ==, raw_start);
  g_assert_cmpuint (mpy_snapshot_get_raw_length (s), ==, strlen (raw_start));

  mpy_stats_compute (s, &st);
  if (strstr (text, "GC memory layout; from ") == NULL)
    {
      g_assert_false (mpy_snapshot_has_map (s));
      g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, 0);
      g_assert_cmpuint (st.n_blocks, ==, 0);
      return;
    }

  {
    guint bpb = g_str_has_prefix (name, "unix-") ? 32 : 16;
    g_autofree char *base_str = NULL;
    const char *p = strstr (text, "GC memory layout; from ") + strlen ("GC memory layout; from ");
    const MpyArea *area;
    guint64 total = figure (s, MPY_FIGURE_GC_TOTAL);

    g_assert_true (mpy_snapshot_has_map (s));
    g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (s), ==, bpb);
    g_assert_cmpuint (mpy_snapshot_get_n_areas (s), ==, 1);
    area = mpy_snapshot_get_area (s, 0);
    g_assert_cmpuint (area->base, ==, g_ascii_strtoull (p, NULL, 16));
    g_assert_cmpuint (area->first_block, ==, 0);
    g_assert_cmpuint (area->n_blocks, ==, total / bpb);
    g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, total / bpb);
    g_assert_cmpuint (mpy_snapshot_get_block_address (s, 1), ==, area->base + bpb);
    g_assert_cmpuint (mpy_snapshot_get_block_address (s, area->n_blocks - 1), ==,
                      area->base + total - bpb);

    /* The statistics agree with the header as the firmware computed it. */
    g_assert_cmpuint (st.n_blocks, ==, total / bpb);
    g_assert_cmpuint (st.bytes_per_block, ==, bpb);
    g_assert_cmpuint (st.used_blocks * bpb, ==, figure (s, MPY_FIGURE_GC_USED));
    g_assert_cmpuint (st.free_blocks * bpb, ==, figure (s, MPY_FIGURE_GC_FREE));
    g_assert_cmpuint (st.kind_blocks[0] * bpb, ==, figure (s, MPY_FIGURE_GC_FREE));
    g_assert_cmpuint (st.one_block_objects, ==, figure (s, MPY_FIGURE_ONE_BLOCKS));
    g_assert_cmpuint (st.two_block_objects, ==, figure (s, MPY_FIGURE_TWO_BLOCKS));
    g_assert_cmpuint (st.largest_object, ==, figure (s, MPY_FIGURE_MAX_BLOCK));
    g_assert_cmpuint (st.largest_free_run, ==, figure (s, MPY_FIGURE_MAX_FREE));
  }
}

static void
test_fixtures_figures (void)
{
  g_autoptr(GPtrArray) names = fixture_names ();
  guint n_checked = 0;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *text = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GPtrArray) dumps = NULL;
      g_autoptr(GError) error = NULL;

      if (is_transcript (name))
        continue;
      g_test_message ("fixture %s", name);
      text = load_file ("fixtures", name, NULL);
      path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
      dumps = mpy_dump_reader_read_file (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (dumps->len, ==, 1);
      check_fixture_dump (name, text, g_ptr_array_index (dumps, 0));
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >=, 30);
}

static void
test_fixtures_transcripts (void)
{
  g_autoptr(GPtrArray) names = fixture_names ();
  guint n_checked = 0;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *text = NULL;
      g_autoptr(GString) stream = NULL;
      g_autoptr(GPtrArray) dumps = NULL;
      guint expected;

      if (!is_transcript (name))
        continue;
      g_test_message ("transcript %s", name);
      text = load_file ("fixtures", name, NULL);
      stream = decode_transcript (text);
      expected = count_substrings (stream->str, stream->len, "stack: ");
      g_assert_cmpuint (expected, >=, 1);
      dumps = read_ok (stream->str, stream->len);
      g_assert_cmpuint (dumps->len, ==, expected);
      for (guint k = 0; k < dumps->len; k++)
        {
          MpySnapshot *s = g_ptr_array_index (dumps, k);
          const char *raw = mpy_snapshot_get_raw_text (s);

          assert_consistent (s);
          /* The raw text starts at the dump's first line, framing (`OK`) removed. */
          g_assert_true (g_str_has_prefix (raw, "mem: ") || g_str_has_prefix (raw, "stack: "));
          g_assert_null (strchr (raw, '\x04'));
        }

      /* A capture log holds the same dumps as the single-state fixtures of its board. */
      if (strstr (name, "capture-log"))
        {
          g_autofree char *prefix = g_strndup (name, strstr (name, "capture-log") - name);
          const char *states[] = { "after-soft-reset", "after-alloc", "after-del-gc", "heap-full" };

          for (guint k = 0; k < G_N_ELEMENTS (states); k++)
            {
              g_autofree char *fname = g_strconcat (prefix, states[k], ".txt", NULL);
              g_autofree char *ftext = load_file ("fixtures", fname, NULL);
              g_autoptr(MpySnapshot) fs = read_one_ok (ftext);
              gboolean found = FALSE;

              for (guint d = 0; d < dumps->len && !found; d++)
                found = g_strcmp0 (mpy_snapshot_get_raw_text (g_ptr_array_index (dumps, d)),
                                   mpy_snapshot_get_raw_text (fs)) == 0;
              if (!found)
                g_error ("%s: the dump of %s is not in the capture log", name, fname);
            }
        }
      n_checked++;
    }
  g_assert_cmpuint (n_checked, ==, 6);
}

/* ---------- damage ---------- */

static const char *map_fixtures[] = {
  "microbit-v1.0.1-after-alloc.txt",
  "microbit-v1.0.1-heap-full.txt",
  "qemu-mps2-an385-after-alloc.txt",
  "qemu-mps2-an385-fragmented.txt",
  "unix-heap256k-after-alloc.txt",
  "unix-heap256k-heap-full.txt",
};

/* The 1-based number of the last line of @text that looks like a block line. */
static guint
last_block_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint last = 0;

  for (guint i = 0; lines[i]; i++)
    {
      guint d = 0;

      while (g_ascii_isxdigit (lines[i][d]))
        d++;
      if ((d == 5 || d == 8) && lines[i][d] == ':')
        last = i + 1;
    }
  return last;
}

/* @s is @whole with the blocks of one lost line (or abbreviation) free:
 * every other block is the same at the same address. */
static void
assert_same_but_one_range (MpySnapshot *whole,
                           MpySnapshot *s,
                           gsize       *range_start,
                           gsize       *range_length)
{
  const guint8 *k0 = mpy_snapshot_get_kinds (whole);
  const guint8 *k1 = mpy_snapshot_get_kinds (s);
  const MpyBlockRange *ranges;
  guint n_ranges = 0;
  gsize n = mpy_snapshot_get_n_blocks (whole);

  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, n);
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (s), ==, mpy_snapshot_get_bytes_per_block (whole));
  ranges = mpy_snapshot_get_missing_ranges (s, &n_ranges);
  g_assert_cmpuint (n_ranges, ==, 1);
  g_assert_cmpuint (ranges[0].n_blocks, >, 0);
  g_assert_cmpuint (ranges[0].first_block + ranges[0].n_blocks, <=, n);
  for (gsize i = 0; i < n; i++)
    {
      if (i >= ranges[0].first_block && i < ranges[0].first_block + ranges[0].n_blocks)
        g_assert_cmpint (k1[i], ==, MPY_KIND_FREE);
      else if (k0[i] != k1[i])
        g_error ("block %zu is '%c', should be '%c'", i, k1[i], k0[i]);
      g_assert_cmpuint (mpy_snapshot_get_block_address (s, i), ==,
                        mpy_snapshot_get_block_address (whole, i));
    }
  /* The filler is not free space: it neither makes nor lengthens a free run. */
  {
    MpyStats st0, st1;

    mpy_stats_compute (whole, &st0);
    mpy_stats_compute (s, &st1);
    g_assert_cmpuint (st1.largest_free_run, <=, st0.largest_free_run);
    g_assert_cmpuint (st1.free_holes, <=, st0.free_holes + 1);
    if (st1.largest_free_run > 0)
      g_assert_true (st1.largest_free_run_start + st1.largest_free_run <= ranges[0].first_block
                     || st1.largest_free_run_start >= ranges[0].first_block + ranges[0].n_blocks);
  }
  *range_start = ranges[0].first_block;
  *range_length = ranges[0].n_blocks;
}

static void
test_damage_deleted_line (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (map_fixtures); i++)
    {
      g_autofree char *text = load_file ("fixtures", map_fixtures[i], NULL);
      guint first = line_of (text, "GC memory layout") + 1;
      guint last = last_block_line (text);
      g_autoptr(MpySnapshot) whole = read_one_ok (text);
      guint n_missing = 0;

      assert_consistent (whole);
      g_assert_cmpuint (last, >, first);
      /* Delete each block line in turn; every variant must be damaged. */
      for (guint line = first; line <= last; line++)
        {
          g_autofree char *cut = delete_line (text, line);
          g_autoptr(MpySnapshot) s = read_one_ok (cut);
          const char *reason;
          gsize start = 0, length = 0;

          g_test_message ("%s without line %u", map_fixtures[i], line);
          assert_damaged (s, "missing");
          reason = mpy_snapshot_get_damage_reason (s);
          if (line == last)
            {
              /* Lost at the end: nothing tells where the map ends but the total. */
              assert_damaged (s, "at the end of the map missing");
              g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), <, mpy_snapshot_get_n_blocks (whole));
              continue;
            }
          /* Placed by their offsets: the lost blocks are free, all others
           * keep their addresses, and the loss is named once. */
          assert_same_but_one_range (whole, s, &start, &length);
          g_assert_cmpuint (count_substrings (reason, strlen (reason), "missing"), ==, 1);
          g_assert_null (strstr (reason, "at the end"));
          g_assert_nonnull (strstr (reason, "shown as free blocks"));
          n_missing++;
        }
      g_assert_cmpuint (n_missing, ==, last - first);
    }
}

/* The reviewer's case: the second block line of a fragmented micro:bit heap lost. */
static void
test_damage_lost_line_keeps_addresses (void)
{
  g_autofree char *text = load_file ("fixtures", "microbit-v1.0.1-fragmented.txt", NULL);
  guint first = line_of (text, "GC memory layout") + 1;
  g_autofree char *cut = delete_line (text, first + 1);
  g_autoptr(MpySnapshot) whole = read_one_ok (text);
  g_autoptr(MpySnapshot) s = read_one_ok (cut);
  const char *reason;
  gsize start = 0, length = 0;
  MpyStats st0, st1;

  assert_consistent (whole);
  assert_same_but_one_range (whole, s, &start, &length);
  g_assert_cmpuint (start, ==, 0x40);
  g_assert_cmpuint (length, ==, 64);
  mpy_stats_compute (whole, &st0);
  mpy_stats_compute (s, &st1);
  g_assert_cmphex (st0.largest_free_run_address, ==, 0x20001d30);
  g_assert_cmphex (st1.largest_free_run_address, ==, 0x20001d30);
  g_assert_cmpuint (st1.largest_free_run, ==, 235);
  assert_damaged (s, "blocks 0x0040–0x007f missing (lines at offsets 00400–007ff not received, "
                  "line 6 continues at 00800), shown as free blocks at 0x200008a0–0x20000c9f");
  reason = mpy_snapshot_get_damage_reason (s);
  g_assert_null (strstr (reason, "at the end"));
  g_assert_null (strstr (reason, "map has 628 blocks"));   /* the size is right now */
  g_assert_cmpuint (count_substrings (reason, strlen (reason), "0x0040"), ==, 1);

  /* A whole dump has no missing range. */
  {
    guint n = 99;

    g_assert_null (mpy_snapshot_get_missing_ranges (whole, &n));
    g_assert_cmpuint (n, ==, 0);
  }

  /* Two separate losses: two ranges, each in its place. */
  {
    g_autofree char *cut2 = delete_line (cut, first + 4);   /* the line at 01400 */
    g_autoptr(MpySnapshot) s2 = read_one_ok (cut2);
    const MpyBlockRange *r;
    guint n = 0;

    r = mpy_snapshot_get_missing_ranges (s2, &n);
    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpuint (r[0].first_block, ==, 0x40);
    g_assert_cmpuint (r[0].n_blocks, ==, 64);
    g_assert_cmpuint (r[1].first_block, ==, 0x140);
    g_assert_cmpuint (r[1].n_blocks, ==, 64);
    g_assert_cmpuint (mpy_snapshot_get_n_blocks (s2), ==, mpy_snapshot_get_n_blocks (whole));
    assert_damaged (s2, "blocks 0x0140–0x017f missing");
  }
}

/* A line repeated (interleaved serial data) is placed at its own offset and
 * named; the lines after it stay where they belong. */
static void
test_damage_repeated_line (void)
{
  g_autofree char *text = load_file ("fixtures", "qemu-mps2-an385-after-alloc.txt", NULL);
  g_autoptr(MpySnapshot) whole = read_one_ok (text);
  const char *line = strstr (text, "\n00000400: ") + 1;
  const char *eol = strchr (line, '\n') + 1;
  const char *next_eol = strchr (eol, '\n') + 1;
  g_autofree char *head = g_strndup (text, next_eol - text);
  g_autofree char *again = g_strndup (line, eol - line);
  g_autofree char *twice = g_strconcat (head, again, next_eol, NULL);
  g_autoptr(MpySnapshot) s = read_one_ok (twice);

  assert_damaged (s, "offset 00000400 is out of order (expected 00000c00 after the lines before it)");
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, mpy_snapshot_get_n_blocks (whole));
  g_assert_cmpmem (mpy_snapshot_get_kinds (s), mpy_snapshot_get_n_blocks (s),
                   mpy_snapshot_get_kinds (whole), mpy_snapshot_get_n_blocks (whole));
}

/* A garbled offset far past the heap is not taken for a huge loss. */
static void
test_damage_garbled_offset (void)
{
  g_autofree char *text = load_file ("fixtures", "qemu-mps2-an385-after-alloc.txt", NULL);
  g_autoptr(MpySnapshot) whole = read_one_ok (text);
  char *p = strstr (text, "\n00000800: ") + 1;
  g_autoptr(MpySnapshot) s = NULL;
  guint n = 0;

  p[1] = '9';   /* 09000800 */
  s = read_one_ok (text);
  assert_damaged (s, "line ");
  assert_damaged (s, "offset 09000800 does not fit (expected 00000800");
  g_assert_null (mpy_snapshot_get_missing_ranges (s, &n));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, mpy_snapshot_get_n_blocks (whole));
  g_assert_cmpmem (mpy_snapshot_get_kinds (s), mpy_snapshot_get_n_blocks (s),
                   mpy_snapshot_get_kinds (whole), mpy_snapshot_get_n_blocks (whole));
}

/* `h=B` received as `hXB`: named with line and column, the line kept in place. */
static void
test_damage_unknown_kind (void)
{
  g_autofree char *text = load_file ("fixtures", "microbit-v1.0.1-fragmented.txt", NULL);
  g_autoptr(MpySnapshot) whole = read_one_ok (text);
  guint first = line_of (text, "GC memory layout") + 1;
  char *p = strstr (text, "\n00000: ") + 1;
  const guint8 *k0, *k1;
  g_autoptr(MpySnapshot) s = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (g_str_has_prefix (p, "00000: h=B"));
  p[8] = 'X';
  s = read_one_ok (text);
  expected = g_strdup_printf ("line %u, column 9: unknown block kind 'X'", first);
  assert_damaged (s, expected);
  g_assert_null (strstr (mpy_snapshot_get_damage_reason (s), "not received"));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, mpy_snapshot_get_n_blocks (whole));
  k0 = mpy_snapshot_get_kinds (whole);
  k1 = mpy_snapshot_get_kinds (s);
  g_assert_cmpint (k1[1], ==, MPY_KIND_HEAD);
  g_assert_cmpmem (k1 + 2, mpy_snapshot_get_n_blocks (s) - 2, k0 + 2, mpy_snapshot_get_n_blocks (whole) - 2);

  /* A control character is shown escaped; several on a line are counted. */
  p[8] = '\x01';
  p[12] = '?';
  {
    g_autoptr(MpySnapshot) s2 = read_one_ok (text);
    g_autofree char *expected2 = g_strdup_printf ("line %u, column 9: unknown block kind '\\x01' "
                                                  "and 1 more unknown", first);

    assert_damaged (s2, expected2);
    g_assert_cmpuint (mpy_snapshot_get_n_blocks (s2), ==, mpy_snapshot_get_n_blocks (whole));
  }

  /* Program output in the middle of a dump is still not a block line. */
  {
    g_autofree char *clean = load_file ("fixtures", "microbit-v1.0.1-fragmented.txt", NULL);
    char *at = strstr (clean, "\n00800: ") + 1;
    g_autofree char *head = g_strndup (clean, at - clean);
    g_autofree char *noisy = g_strconcat (head, "add: 1\ncafe0: hello\nbeef0: hxyz\n", at, NULL);
    g_autoptr(MpySnapshot) s3 = read_one_ok (noisy);

    assert_consistent (s3);
    g_assert_cmpmem (mpy_snapshot_get_kinds (s3), mpy_snapshot_get_n_blocks (s3),
                     mpy_snapshot_get_kinds (whole), mpy_snapshot_get_n_blocks (whole));
  }
}

/* A full heap says so instead of "0 blocks at 0x0": its largest free run is 0 blocks and
 * has no address. */
static void
test_stats_no_free_block (void)
{
  g_autofree char *full = load_file ("fixtures", "microbit-v1.0.1-heap-full.txt", NULL);
  g_autofree char *frag = load_file ("fixtures", "microbit-v1.0.1-fragmented.txt", NULL);
  g_autoptr(MpySnapshot) s_full = read_one_ok (full);
  g_autoptr(MpySnapshot) s_frag = read_one_ok (frag);
  g_autofree char *t_full = NULL, *t_frag = NULL, *t_address = NULL;
  MpyStats st;
  double address;

  mpy_stats_compute (s_full, &st);
  g_assert_cmpuint (st.free_blocks, ==, 0);
  t_full = mpy_metric_describe (MPY_METRIC_LARGEST_FREE_RUN, s_full, &st, NULL);
  g_assert_cmpstr (t_full, ==, "0\u00a0blocks, 0\u00a0bytes");
  g_assert_false (mpy_metric_get_value (MPY_METRIC_LARGEST_FREE_RUN_ADDRESS, s_full, &st, &address));

  mpy_stats_compute (s_frag, &st);
  t_frag = mpy_metric_describe (MPY_METRIC_LARGEST_FREE_RUN, s_frag, &st, NULL);
  g_assert_true (g_str_has_prefix (t_frag, "235\u00a0blocks"));
  g_assert_true (mpy_metric_get_value (MPY_METRIC_LARGEST_FREE_RUN_ADDRESS, s_frag, &st, &address));
  t_address = mpy_metric_format_number (MPY_METRIC_LARGEST_FREE_RUN_ADDRESS, address);
  g_assert_cmpstr (t_address, ==, "0x20001d30");
}

static void
test_damage_missing_range_named (void)
{
  g_autofree char *text = load_file ("fixtures", "qemu-mps2-an385-after-alloc.txt", NULL);
  g_autofree char *cut = delete_line (text, line_of (text, "\n00001000: ") + 1);
  g_autoptr(MpySnapshot) s = read_one_ok (cut);

  g_autoptr(MpySnapshot) whole = read_one_ok (text);
  gsize start = 0, length = 0;

  /* 16-byte blocks: the line at 0x1000 holds blocks 0x100–0x13f. */
  assert_damaged (s, "blocks 0x0100–0x013f missing (lines at offsets 00001000–000013ff not received");
  assert_damaged (s, "header says");
  assert_same_but_one_range (whole, s, &start, &length);
  g_assert_cmpuint (start, ==, 0x100);
  g_assert_cmpuint (length, ==, 64);
}

static void
test_damage_truncated (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (map_fixtures); i++)
    {
      g_autofree char *text = load_file ("fixtures", map_fixtures[i], NULL);
      gsize len = strlen (text);
      gsize layout = strstr (text, "GC memory layout") - text;

      /* Cut anywhere after the layout header, also mid-line. */
      for (gsize cut = layout + 20; cut < len - 3; cut += 37)
        {
          g_autoptr(MpySnapshot) s = NULL;
          g_autoptr(GPtrArray) dumps = read_ok (text, cut);

          g_assert_cmpuint (dumps->len, ==, 1);
          s = mpy_snapshot_ref (g_ptr_array_index (dumps, 0));
          assert_damaged (s, NULL);
          if (cut > (gsize) (strchr (text + layout, '\n') - text))
            g_assert_true (mpy_snapshot_has_map (s));
          g_assert_cmpuint (mpy_snapshot_get_raw_length (s), <=, cut);
        }
    }
}

static void
test_damage_flipped_char (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (map_fixtures); i++)
    {
      g_autofree char *text = load_file ("fixtures", map_fixtures[i], NULL);
      char *map = strstr (text, "GC memory layout");
      char *p;

      /* A free block turned used and a head turned free both break the sums. */
      for (p = strchr (map, '\n') + 1; *p; p++)
        if (*p == ':' && p[1] == ' ')
          {
            char *c = p + 2;

            while (*c && *c != '.' && *c != '\r' && *c != '\n')
              c++;
            if (*c == '.')
              {
                g_autoptr(MpySnapshot) s = NULL;

                *c = 'h';
                s = read_one_ok (text);
                assert_damaged (s, "used bytes, header says");
                *c = '.';
                break;
              }
          }
      /* (heap-full dumps have no free block to flip) */
      g_assert_true (*p || strstr (text, "free: 0\r") || strstr (text, "free: 0\n"));

      p = strstr (map, ": h") + 2;
      *p = '.';
      {
        g_autoptr(MpySnapshot) s = read_one_ok (text);
        assert_damaged (s, "header says");
      }
      *p = 'h';

      /* A digit flipped in the header. */
      p = strstr (text, ", used: ") + strlen (", used: ");
      *p = *p == '1' ? '2' : '1';
      {
        g_autoptr(MpySnapshot) s = read_one_ok (text);
        assert_damaged (s, "used bytes, header says");
      }
    }
}

static void
test_damage_cut_off_end_named (void)
{
  g_autofree char *text = load_file ("fixtures", "microbit-v1.0.1-after-alloc.txt", NULL);
  /* Cut right after the line at 01c00: blocks 0x200–0x273 (lines 02000, 02400) are lost. */
  gsize cut = strstr (text, "\n02000: ") + 1 - text;
  g_autoptr(GPtrArray) dumps = read_ok (text, cut);
  MpySnapshot *s = g_ptr_array_index (dumps, 0);

  assert_damaged (s, "blocks 0x0200–0x0273 at the end of the map missing (lines from offset 02000 on not received");
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, 0x200);
}

static void
test_damage_short_line_in_middle (void)
{
  g_autofree char *text = load_file ("fixtures", "unix-heap256k-after-alloc.txt", NULL);
  char *line = strstr (text, "\n00001000: ") + 1;
  char *eol = strchr (line, '\n');
  g_autofree char *head = NULL;
  g_autofree char *cut = NULL;
  g_autoptr(MpySnapshot) s = NULL;

  g_autoptr(MpySnapshot) whole = read_one_ok (text);
  g_autofree char *expected = NULL;
  gsize start = 0, length = 0;
  guint line_no = line_of (text, "\n00001000: ") + 1;

  /* Drop the last 4 characters of a middle line: the next line's offset shows
   * where its blocks belong, and the 4 lost blocks are named once. */
  head = g_strndup (text, eol - 4 - text);
  cut = g_strconcat (head, eol, NULL);
  s = read_one_ok (cut);
  expected = g_strdup_printf ("blocks 0x00bc–0x00bf missing (line %u has only 60 blocks, "
                              "offsets 00001780–000017ff not received, line %u continues at 00001800)",
                              line_no, line_no + 1);
  assert_damaged (s, expected);
  g_assert_null (strstr (mpy_snapshot_get_damage_reason (s), "line cut short"));
  assert_same_but_one_range (whole, s, &start, &length);
  g_assert_cmpuint (start, ==, 0xbc);
  g_assert_cmpuint (length, ==, 4);

  /* Cut short before `(N lines all free)` at the end of the map: no offset
   * follows, so only the short line itself tells. */
  {
    g_autofree char *text2 = g_strdup (text);
    char *abbr = strstr (text2, "\n       (96 lines all free)");
    char *last_line = strchr (abbr + 1, '\n') + 1;
    g_autofree char *head2 = NULL;
    g_autofree char *cut2 = NULL;
    g_autoptr(MpySnapshot) s2 = NULL;

    *last_line = '\0';   /* the line after the abbreviation is lost */
    while (abbr[-1] == '\r')
      abbr--;
    head2 = g_strndup (text2, abbr - 4 - text2);
    cut2 = g_strconcat (head2, abbr, NULL);
    s2 = read_one_ok (cut2);
    assert_damaged (s2, "has only 60 blocks but is not the last line of its area (line cut short)");
  }
}

static void
test_damage_no_gc_line (void)
{
  g_autofree char *text = load_file ("fixtures", "microbit-v1.0.1-after-alloc.txt", NULL);
  g_autofree char *cut = delete_line (text, line_of (text, "GC: total"));
  g_autoptr(MpySnapshot) s = read_one_ok (cut);

  assert_damaged (s, "GC: total:");
  g_assert_true (mpy_snapshot_has_map (s));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, 628);
  /* Without the header the block size still comes from the offset step. */
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (s), ==, 16);
  g_assert_cmpuint (mpy_snapshot_get_block_address (s, 64), ==, 0x200004a0 + 0x400);
}

static void
test_damage_layout_but_no_lines (void)
{
  g_autoptr(MpySnapshot) s = read_one_ok ("stack: 528 out of 1800\r\n"
                                          "GC: total: 10048, used: 256, free: 9792\r\n"
                                          " No. of 1-blocks: 4, 2-blocks: 1, max blk sz: 4, max free sz: 558\r\n"
                                          "GC memory layout; from 200004a0:\r\n");

  assert_damaged (s, "no block lines");
}

static void
test_damage_absurd_numbers (void)
{
  g_autoptr(MpySnapshot) a = read_one_ok ("stack: 528 out of 1800\n"
                                          "GC: total: 99999999999999999999999999, used: 256, free: 9792\n"
                                          " No. of 1-blocks: 4, 2-blocks: 1, max blk sz: 4, max free sz: 558\n");
  g_autoptr(MpySnapshot) b = read_one_ok ("stack: 528 out of 18446744073709551617\n"
                                          "GC: total: 2048, used: 0, free: 2048\n"
                                          " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 0, max free sz: 128\n"
                                          "GC memory layout; from 20000000:\n"
                                          "       (281474976710657 lines all free)\n");
  g_autoptr(MpySnapshot) c = read_one_ok ("stack: 528 out of 1800\n"
                                          "GC: total: 2048, used: 0, free: 2048\n"
                                          " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 0, max free sz: 128\n"
                                          "GC memory layout; from 123456789abcdef0123:\n"
                                          "       (2 lines all free)\n");

  assert_damaged (a, "line 2, column 12");
  assert_damaged (a, "too large");
  g_assert_false (mpy_snapshot_get_figure (a, MPY_FIGURE_GC_TOTAL, NULL));
  assert_damaged (b, "line 1, column 19");
  assert_damaged (b, "line 5, column 9");
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (b), ==, 0);
  assert_damaged (c, "line 4, column 24");
}

/* A 300-byte dump claiming `(4194302 lines all free)` (268 Mi blocks) cost 268 MB: a dump's
 * map is bounded by 64 Mi blocks (1 GiB of heap), checked before anything is allocated, and
 * at the bound an abbreviation costs one byte per block (issue 8.11). Run in a subprocess so
 * that its peak memory can be measured. */
static void
test_reader_block_limit (void)
{
  static const char header[] =
    "stack: 1000 out of 7936\n"
    "GC: total: %" G_GUINT64_FORMAT ", used: 0, free: %" G_GUINT64_FORMAT "\n"
    " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 0, max free sz: %" G_GUINT64_FORMAT "\n"
    "GC memory layout; from 20000000:\n"
    "00000: ................................................................\n"
    "       (%" G_GUINT64_FORMAT " lines all free)\n";

  if (g_test_subprocess ())
    {
      guint64 lines = g_ascii_strtoull (g_getenv ("MPY_TEST_LINES"), NULL, 10);
      guint64 blocks = 64 + lines * 64;
      g_autofree char *text = g_strdup_printf (header, blocks * 16, blocks * 16, blocks, lines);
      g_autoptr(MpySnapshot) s = read_one_ok (text);
      g_autofree char *status = NULL;
      const char *hwm;
      long peak_kib;

      /* The peak of this process image (getrusage() would count the parent's, from before
       * the exec). */
      g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
      hwm = strstr (status, "VmHWM:");
      g_assert_nonnull (hwm);
      peak_kib = strtol (hwm + 6, NULL, 10);
      g_test_message ("%" G_GUINT64_FORMAT " blocks: peak RSS %ld KiB", blocks, peak_kib);
      if (blocks <= 64 * 1024 * 1024)
        {
          assert_consistent (s);
          g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, blocks);
          /* One byte per block, plus the program itself. */
          g_assert_cmpint (peak_kib, <, (long) (blocks / 1024) + 60 * 1024);
        }
      else
        {
          assert_damaged (s, "line 6, column 9");
          assert_damaged (s, "larger than 67108864 blocks (64 Mi, 1 GiB of heap");
          g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, 64);
          g_assert_cmpint (peak_kib, <, 60 * 1024);
        }
      return;
    }
  /* Far over the bound (the dump), one line over, and exactly at it. */
  g_setenv ("MPY_TEST_LINES", "4194302", TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_setenv ("MPY_TEST_LINES", "1048576", TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_setenv ("MPY_TEST_LINES", "1048575", TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_damage_malformed_figures_line (void)
{
  g_autoptr(MpySnapshot) s = read_one_ok ("stack: 528 out of 1800\n"
                                          "GC: total: 10048, usedXX 256\n"
                                          " No. of 1-blocks: 4, 2-blocks: 1, max blk sz: 4, max free sz: 558\n");

  assert_damaged (s, "line 2, column 17: expected “, used: ”");
  g_assert_cmpuint (figure (s, MPY_FIGURE_GC_TOTAL), ==, 10048);
  g_assert_false (mpy_snapshot_get_figure (s, MPY_FIGURE_GC_USED, NULL));
}

/* ---------- reading ---------- */

static void
test_reader_noise (void)
{
  g_autofree char *text = load_file ("fixtures", "qemu-mps2-an385-after-alloc.txt", NULL);
  g_autoptr(MpySnapshot) clean = read_one_ok (text);
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autoptr(GString) noisy = g_string_new ("boot text\r\nI (1234) wifi: connected\r\nadd: 1\r\n");
  g_autoptr(GPtrArray) dumps = NULL;
  MpySnapshot *s;

  for (guint i = 0; lines[i] && lines[i + 1]; i++)
    {
      g_string_append_printf (noisy, "%s\r\n", lines[i]);
      if (i == 4)   /* inside the block map */
        g_string_append (noisy, "cafe0: hello\r\nadd: 1\r\n00000010: a line that looks like an offset\r\n");
      if (i == 8)
        g_string_append (noisy, "I (5678) task: tick\r\n\r\n");
    }
  g_string_append (noisy, "after the dump\r\n>>> ");

  dumps = read_ok (noisy->str, noisy->len);
  g_assert_cmpuint (dumps->len, ==, 1);
  s = g_ptr_array_index (dumps, 0);
  assert_consistent (s);
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, mpy_snapshot_get_n_blocks (clean));
  g_assert_cmpmem (mpy_snapshot_get_kinds (s), mpy_snapshot_get_n_blocks (s),
                   mpy_snapshot_get_kinds (clean), mpy_snapshot_get_n_blocks (clean));
  /* Noise inside the dump stays in its raw text; noise around it does not. */
  g_assert_true (g_str_has_prefix (mpy_snapshot_get_raw_text (s), "mem: total="));
  g_assert_nonnull (strstr (mpy_snapshot_get_raw_text (s), "cafe0: hello"));
  g_assert_null (strstr (mpy_snapshot_get_raw_text (s), "after the dump"));
}

static void
test_reader_line_ends (void)
{
  const char *name = "unix-heap256k-after-alloc.txt";   /* bare \n */
  g_autofree char *text = load_file ("fixtures", name, NULL);
  g_autoptr(MpySnapshot) lf = read_one_ok (text);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *crlf = g_strjoinv ("\r\n", lines);
  g_autofree char *crcrlf = g_strjoinv ("\r\r\n", lines);
  g_autoptr(MpySnapshot) a = read_one_ok (crlf);
  g_autoptr(MpySnapshot) b = read_one_ok (crcrlf);

  assert_consistent (lf);
  assert_consistent (a);
  assert_consistent (b);
  g_assert_cmpmem (mpy_snapshot_get_kinds (a), mpy_snapshot_get_n_blocks (a),
                   mpy_snapshot_get_kinds (lf), mpy_snapshot_get_n_blocks (lf));
  g_assert_cmpmem (mpy_snapshot_get_kinds (b), mpy_snapshot_get_n_blocks (b),
                   mpy_snapshot_get_kinds (lf), mpy_snapshot_get_n_blocks (lf));
  /* Verbatim, line ends included. */
  g_assert_cmpstr (mpy_snapshot_get_raw_text (b), ==, crcrlf);
  g_assert_cmpstr (mpy_snapshot_get_raw_text (a), ==, crlf);
}

static void
test_reader_several_dumps (void)
{
  const char *names[] = {
    "microbit-v1.0.1-after-soft-reset.txt", "microbit-v1.0.1-meminfo-noarg.txt",
    "unix-heap256k-after-alloc.txt", "qemu-mps2-an385-fragmented-bigalloc.txt",
    "qemu-mps2-an385-heap-full.txt",
  };
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GPtrArray) dumps = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *t = load_file ("fixtures", names[i], NULL);
      g_string_append_printf (all, ">>> print('state %u')\r\nstate %u\r\n%s", i, i, t);
    }
  dumps = read_ok (all->str, all->len);
  g_assert_cmpuint (dumps->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *t = load_file ("fixtures", names[i], NULL);
      check_fixture_dump (names[i], t, g_ptr_array_index (dumps, i));
    }
}

static void
test_reader_mem_line (void)
{
  g_autoptr(GPtrArray) dumps = read_ok ("mem: total=1, current=2, peak=3\n"
                                        "something else\n"
                                        "mem: total=5630, current=1078, peak=1901\n"
                                        "stack: 376 out of 10240\n"
                                        "GC: total: 2048, used: 0, free: 2048, max new split: 188352\n"
                                        " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 0\n", -1);
  MpySnapshot *s;

  g_assert_cmpuint (dumps->len, ==, 1);
  s = g_ptr_array_index (dumps, 0);
  assert_consistent (s);
  g_assert_cmpuint (figure (s, MPY_FIGURE_MEM_TOTAL), ==, 5630);
  g_assert_cmpuint (figure (s, MPY_FIGURE_MEM_CURRENT), ==, 1078);
  g_assert_cmpuint (figure (s, MPY_FIGURE_MEM_PEAK), ==, 1901);
  g_assert_cmpuint (figure (s, MPY_FIGURE_GC_MAX_NEW_SPLIT), ==, 188352);
  g_assert_cmpuint (figure (s, MPY_FIGURE_MAX_BLOCK), ==, 0);
  g_assert_false (mpy_snapshot_get_figure (s, MPY_FIGURE_MAX_FREE, NULL));
  g_assert_false (mpy_snapshot_has_map (s));
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (s), ==, 0);
  g_assert_true (g_str_has_prefix (mpy_snapshot_get_raw_text (s), "mem: total=5630"));
}

static void
test_reader_stack_without_limit (void)
{
  g_autoptr(MpySnapshot) s = read_one_ok ("stack: 2044\n"
                                          "GC: total: 2048, used: 0, free: 2048\n"
                                          " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 0, max free sz: 128\n"
                                          "GC memory layout; from 20000000:\n"
                                          "       (2 lines all free)\n");

  assert_consistent (s);
  g_assert_cmpuint (figure (s, MPY_FIGURE_STACK_USED), ==, 2044);
  g_assert_false (mpy_snapshot_get_figure (s, MPY_FIGURE_STACK_LIMIT, NULL));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, 128);
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (s), ==, 16);
}

static void
test_reader_rp2_samples (void)
{
  /* Reference §2.7: free run to the end (no trailing line), and a short last line. */
  g_autoptr(MpySnapshot) a = read_one_ok (
    "stack: 428 out of 15360\r\n"
    "GC: total: 173056, used: 2880, free: 170176\r\n"
    " No. of 1-blocks: 18, 2-blocks: 6, max blk sz: 64, max free sz: 10625\r\n"
    "GC memory layout; from 20001bf0:\r\n"
    "00000000: h=hLhhhBh=hh=hh===h=================h===========================\r\n"
    "00000400: ====================================h===========================\r\n"
    "00000800: ====================================hhBhhhhB..h..h..h=.....h=h=.\r\n"
    "       (166 lines all free)\r\n");
  g_autoptr(MpySnapshot) b = read_one_ok (
    "stack: 596 out of 7936\r\n"
    "GC: total: 205568, used: 4464, free: 201104\r\n"
    " No. of 1-blocks: 55, 2-blocks: 13, max blk sz: 64, max free sz: 12558\r\n"
    "GC memory layout; from 2000dd00:\r\n"
    "00000000: h=MLhhhhBDhhBTTDBBBBBDhTh===BDBDB=BBBh=====BBBTB=BTB=BBBTB=TBTB=\r\n"
    "00000400: Bh===TB=h===========B=h==hh============h========h===============\r\n"
    "00000800: ===h============================================================\r\n"
    "00000c00: ===h============================================================\r\n"
    "00001000: ===h=h=hhBhhhhB..h..h..h=.....h=h=..............................\r\n"
    "       (195 lines all free)\r\n"
    "00032000: ................................................\r\n");

  g_assert_cmpuint (mpy_snapshot_get_n_blocks (a), ==, 10816);
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (b), ==, 12848);
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (a), ==, 16);
  g_assert_cmpuint (mpy_snapshot_get_block_address (b, 12847), ==, 0x2000dd00 + 12847 * 16);
  assert_consistent (a);
  assert_consistent (b);
}

static void
test_reader_multi_area (void)
{
  gsize len;
  g_autofree char *text = load_file ("core/data", "unix-split-heap-3-areas.txt", &len);
  g_autoptr(MpySnapshot) s = read_one_ok (text);
  const MpyArea *a0, *a1, *a2;
  MpyStats st;

  assert_consistent (s);
  g_assert_cmpuint (mpy_snapshot_get_n_areas (s), ==, 3);
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (s), ==, 32);
  a0 = mpy_snapshot_get_area (s, 0);
  a1 = mpy_snapshot_get_area (s, 1);
  a2 = mpy_snapshot_get_area (s, 2);
  g_assert_cmpuint (a0->base, ==, 0x55837d2b4640);
  g_assert_cmpuint (a1->base, ==, 0x55837d2c4660);
  g_assert_cmpuint (a2->base, ==, 0x55837d2d4660);
  g_assert_cmpuint (a0->n_blocks, ==, 2020);
  g_assert_cmpuint (a1->first_block, ==, 2020);
  g_assert_cmpuint (a1->n_blocks, ==, 2020);
  g_assert_cmpuint (a2->first_block, ==, 4040);
  g_assert_cmpuint (a2->n_blocks, ==, 2020);
  g_assert_cmpuint (mpy_snapshot_get_block_address (s, 2020), ==, 0x55837d2c4660);
  g_assert_cmpuint (mpy_snapshot_get_block_address (s, 4041), ==, 0x55837d2d4660 + 32);
  mpy_stats_compute (s, &st);
  /* The third area is one free run from its first block. */
  g_assert_cmpuint (st.largest_free_run, ==, 2020);
  g_assert_cmpuint (st.largest_free_run_start, ==, 4040);
  g_assert_cmpuint (st.largest_free_run_address, ==, 0x55837d2d4660);
  /* Free runs do not join across areas. */
  g_assert_cmpuint (st.free_holes, ==, 3 + 2 + 1);

  /* Losing a line of the second area names that area. */
  {
    g_autofree char *cut = delete_line (text, line_of (text, "GC memory layout; from 55837d2c4660") + 3);
    g_autoptr(MpySnapshot) d = read_one_ok (cut);

    assert_damaged (d, "in the area from 55837d2c4660");
  }
}

/* Real MicroPython 1.27 (npm's webassembly port, -X heapsize=32k) after its heap grew
 * twice (MICROPY_GC_SPLIT_HEAP_AUTO): three areas, "max new split", 8-digit offsets, each
 * area starting again at 00000000; captured by mpymemmap-cli. */
static void
test_reader_webassembly_grown_areas (void)
{
  gsize len;
  g_autofree char *text = load_file ("core/data", "webassembly-1.27-3-areas.txt", &len);
  g_autoptr(MpySnapshot) s = read_one_ok (text);
  static const guint64 bases[] = { 0x2fd00, 0x37d60, 0x400a0 };
  gsize next_first = 0;
  MpyStats st;

  assert_consistent (s);
  g_assert_cmpuint (mpy_snapshot_get_n_areas (s), ==, 3);
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (s), ==, 16);
  g_assert_cmpuint (figure (s, MPY_FIGURE_GC_TOTAL), ==, 127936);
  g_assert_cmpuint (figure (s, MPY_FIGURE_GC_MAX_NEW_SPLIT), ==, 134217728);
  for (guint i = 0; i < 3; i++)
    {
      const MpyArea *a = mpy_snapshot_get_area (s, i);

      g_assert_cmpuint (a->base, ==, bases[i]);
      g_assert_cmpuint (a->first_block, ==, next_first);
      g_assert_cmpuint (mpy_snapshot_get_block_address (s, a->first_block + 1), ==, bases[i] + 16);
      next_first += a->n_blocks;
    }
  g_assert_cmpuint (next_first * 16, ==, 127936);
  mpy_stats_compute (s, &st);
  g_assert_cmpuint (st.used_blocks * 16, ==, figure (s, MPY_FIGURE_GC_USED));
  g_assert_cmpuint (st.free_blocks * 16, ==, figure (s, MPY_FIGURE_GC_FREE));
  g_assert_cmpuint (st.largest_free_run, ==, figure (s, MPY_FIGURE_MAX_FREE));
  g_assert_cmpuint (st.largest_object, ==, figure (s, MPY_FIGURE_MAX_BLOCK));
  g_assert_cmpuint (st.one_block_objects, ==, figure (s, MPY_FIGURE_ONE_BLOCKS));
  g_assert_cmpuint (st.two_block_objects, ==, figure (s, MPY_FIGURE_TWO_BLOCKS));
}

/* A dump with 5-digit offsets and a heap over 1 MiB: offsets wrap at 0x100000. */
static GString *
make_wrapping_dump (guint n_lines)
{
  GString *s = g_string_new (NULL);
  guint used = 0, one = 0;

  for (guint l = 0; l < n_lines; l++)
    used += 1, one += 1;
  g_string_append_printf (s, "stack: 508 out of 15360\r\n"
                          "GC: total: %u, used: %u, free: %u\r\n"
                          " No. of 1-blocks: %u, 2-blocks: 0, max blk sz: 1, max free sz: 63\r\n"
                          "GC memory layout; from 20002cf0:\r\n",
                          n_lines * 64 * 16, used * 16, (n_lines * 64 - used) * 16, one);
  for (guint l = 0; l < n_lines; l++)
    g_string_append_printf (s, "%05x: S...............................................................\r\n",
                            (l * 64 * 16) & 0xfffff);
  return s;
}

static void
test_reader_five_digit_wrap (void)
{
  guint n_lines = 1100;   /* 1.07 MiB */
  g_autoptr(GString) text = make_wrapping_dump (n_lines);
  g_autoptr(MpySnapshot) s = read_one_ok (text->str);
  g_autofree char *cut = NULL;

  assert_consistent (s);
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, n_lines * 64);
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (s), ==, 16);
  g_assert_cmpuint (mpy_snapshot_get_block_address (s, 1030 * 64), ==, 0x20002cf0 + 1030 * 1024);

  /* A line lost after the wrap is still found. */
  cut = delete_line (text->str, 4 + 1050);
  {
    g_autoptr(MpySnapshot) d = read_one_ok (cut);
    const MpyBlockRange *r;
    guint n = 0;

    assert_damaged (d, "blocks 0x10640–0x1067f missing (lines at offsets 06400–067ff not received");
    /* Resynchronised on the offset modulo 1 MiB: the later lines are in place. */
    r = mpy_snapshot_get_missing_ranges (d, &n);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpuint (r[0].first_block, ==, 1049 * 64);
    g_assert_cmpuint (r[0].n_blocks, ==, 64);
    g_assert_cmpuint (mpy_snapshot_get_n_blocks (d), ==, n_lines * 64);
    g_assert_cmpint (mpy_snapshot_get_kinds (d)[1050 * 64], ==, MPY_KIND_STR);
    g_assert_cmpint (mpy_snapshot_get_kinds (d)[1049 * 64], ==, MPY_KIND_FREE);
    g_assert_cmpuint (mpy_snapshot_get_block_address (d, 1099 * 64), ==, 0x20002cf0 + 1099 * 1024);
  }
}

static void
test_reader_not_heap_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = mpy_dump_reader_read ("add: 1\ncafe0: hello\n00000: hi\n0000: h=\n"
                                                    "GC memory layout\nstack overflow\nstack: overflow\n"
                                                    "00000: h=..\n", -1, &error);
  g_autoptr(MpySnapshot) s = NULL;

  g_assert_error (error, MPY_READER_ERROR, MPY_READER_ERROR_NO_DUMP);
  g_assert_nonnull (strstr (error->message, "no micropython.mem_info() output found in"));
  g_assert_null (none);

  /* Inside a map, a 65-character or uppercase-hex line is not a block line. */
  s = read_one_ok ("stack: 2044\n"
                   "GC: total: 2048, used: 16, free: 2032\n"
                   " No. of 1-blocks: 1, 2-blocks: 0, max blk sz: 1, max free sz: 127\n"
                   "GC memory layout; from 20000000:\n"
                   "00000: h...............................................................\n"
                   "00400: h................................................................\n"
                   "0040A: h...............................................................\n"
                   "add: 1\n"
                   "00400: ................................................................\n");
  assert_consistent (s);
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, 128);
}

static void
test_reader_binary (void)
{
  g_autoptr(GError) error = NULL;
  static const char junk[] = "stack: 1\n\0\x01\x02GC: total";
  guint8 random_bytes[4096];
  g_autoptr(GPtrArray) d1 = mpy_dump_reader_read (junk, sizeof junk, &error);

  g_assert_error (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY);
  g_assert_null (d1);
  /* Not “the text is not text” (issue 8.10): a caller prefixes the file name. */
  g_assert_null (strstr (error->message, "the text"));
  g_assert_true (g_str_has_prefix (error->message, "not text: "));
  g_clear_error (&error);

  for (guint i = 0; i < sizeof random_bytes; i++)
    random_bytes[i] = (guint8) g_test_rand_int_range (1, 32);
  {
    g_autoptr(GPtrArray) d2 = mpy_dump_reader_read ((char *) random_bytes, sizeof random_bytes, &error);
    g_assert_error (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY);
    g_assert_null (d2);
  }
}

static void
test_reader_huge_line (void)
{
  gsize n = 100 * 1000 * 1000;
  g_autofree char *text = g_malloc (n + 512);
  gint64 t0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) dumps = NULL;
  const char *dump = "\nstack: 2044\nGC: total: 2048, used: 0, free: 2048\n"
                     " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 0, max free sz: 128\n";

  memset (text, 'x', n);
  memcpy (text, "00000: ", 7);
  t0 = g_get_monotonic_time ();
  none = mpy_dump_reader_read (text, n, &error);
  g_assert_error (error, MPY_READER_ERROR, MPY_READER_ERROR_NO_DUMP);
  g_assert_null (none);

  memcpy (text + n, dump, strlen (dump));
  dumps = read_ok (text, n + strlen (dump));
  g_assert_cmpuint (dumps->len, ==, 1);
  assert_consistent (g_ptr_array_index (dumps, 0));
  /* Linear and allocation-free per character: far below a second here. */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
}

static void
test_reader_too_large_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mpy-core-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "huge.log", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dumps = NULL;
  FILE *f = fopen (path, "w");
  gint64 t0;

  /* A sparse 1 GiB file: refused by size, without reading it. */
  g_assert_nonnull (f);
  fputs ("stack: 1\n", f);
  g_assert_cmpint (fseeko (f, (off_t) 1 << 30, SEEK_SET), ==, 0);
  fputc ('\n', f);
  fclose (f);
  t0 = g_get_monotonic_time ();
  dumps = mpy_dump_reader_read_file (path, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.log"));
  g_assert_null (dumps);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, G_USEC_PER_SEC / 2);
  g_unlink (path);
  g_rmdir (dir);
}

/* A FIFO, with or without a writer, is refused at once: before the one loader opened it with
 * O_NONBLOCK, open() waited for a writer forever (issue 8.5). The subprocess is killed after
 * 10 s, so a regression fails instead of hanging. */
static void
test_reader_pipe (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (g_test_subprocess ())
    {
      const char *fifo = g_getenv ("MPY_TEST_FIFO");
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (fifo, &error);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_null (dumps);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
      g_assert_nonnull (strstr (error->message, "fifo"));
      g_assert_nonnull (strstr (error->message, "not a regular file"));
      g_clear_error (&error);

      g_assert_false (mpy_file_load_contents (fifo, 1024, NULL, &contents, &length, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
      g_clear_error (&error);

      /* A character device too (reading /dev/zero would never end). */
      g_assert_false (mpy_file_load_contents ("/dev/zero", 1024, NULL, &contents, &length, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
      g_clear_error (&error);

      /* A folder says so. */
      g_assert_false (mpy_file_load_contents (g_get_tmp_dir (), 1024, NULL, &contents, &length, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
      return;
    }
  dir = g_dir_make_tmp ("mpy-core-XXXXXX", NULL);
  path = g_build_filename (dir, "fifo", NULL);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_setenv ("MPY_TEST_FIFO", path, TRUE);
  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_unlink (path);
  g_rmdir (dir);
}

/* The loader: the size limit holds for a file that grows while it is read, and a cancelled
 * read returns G_IO_ERROR_CANCELLED. */
static void
test_file_loader_limits (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mpy-core-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "some.txt", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_set_contents (path, "0123456789", 10, NULL));
  g_assert_true (mpy_file_load_contents (path, 10, NULL, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, "0123456789", 10);
  g_assert_cmpint (contents[length], ==, '\0');
  g_clear_pointer (&contents, g_free);

  g_assert_false (mpy_file_load_contents (path, 9, NULL, &contents, &length, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "some.txt"));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_false (mpy_file_load_contents (path, 10, cancellable, &contents, &length, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* /proc files say size 0 and are read to their end. */
  g_assert_true (mpy_file_load_contents ("/proc/self/status", 1 << 20, NULL, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "Name:"));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_reader_too_many_dumps (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dumps = NULL;

  /* Memory stays bounded on a file of nothing but tiny dumps. */
  for (guint i = 0; i <= 100000; i++)
    g_string_append (text, "stack: 1\n");
  dumps = mpy_dump_reader_read (text->str, text->len, &error);
  g_assert_error (error, MPY_READER_ERROR, MPY_READER_ERROR_TOO_LARGE);
  g_assert_null (dumps);
}

static void
test_reader_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file ("/nonexistent/dump.txt", &error);

  g_assert_null (dumps);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* Session files store the raw text and read it back: the same snapshot must come out. */
static void
assert_same_snapshot (MpySnapshot *a,
                      MpySnapshot *b)
{
  for (int f = 0; f < MPY_N_FIGURES; f++)
    {
      guint64 va = 0, vb = 0;

      g_assert_cmpint (mpy_snapshot_get_figure (a, f, &va), ==, mpy_snapshot_get_figure (b, f, &vb));
      g_assert_cmpuint (va, ==, vb);
    }
  g_assert_cmpint (mpy_snapshot_is_damaged (a), ==, mpy_snapshot_is_damaged (b));
  g_assert_cmpuint (mpy_snapshot_get_bytes_per_block (a), ==, mpy_snapshot_get_bytes_per_block (b));
  g_assert_cmpuint (mpy_snapshot_get_n_areas (a), ==, mpy_snapshot_get_n_areas (b));
  for (guint i = 0; i < mpy_snapshot_get_n_areas (a); i++)
    g_assert_cmpmem (mpy_snapshot_get_area (a, i), sizeof (MpyArea), mpy_snapshot_get_area (b, i), sizeof (MpyArea));
  g_assert_cmpmem (mpy_snapshot_get_kinds (a), mpy_snapshot_get_n_blocks (a),
                   mpy_snapshot_get_kinds (b), mpy_snapshot_get_n_blocks (b));
  g_assert_cmpstr (mpy_snapshot_get_raw_text (a), ==, mpy_snapshot_get_raw_text (b));
}

static void
test_reader_raw_text_round_trip (void)
{
  g_autoptr(GPtrArray) names = fixture_names ();

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *text = load_file ("fixtures", name, NULL);
      g_autoptr(GString) stream = is_transcript (name) ? decode_transcript (text) : g_string_new (text);
      g_autoptr(GPtrArray) dumps = read_ok (stream->str, stream->len);

      for (guint k = 0; k < dumps->len; k++)
        {
          MpySnapshot *s = g_ptr_array_index (dumps, k);
          g_autoptr(MpySnapshot) again = read_one_ok (mpy_snapshot_get_raw_text (s));

          assert_same_snapshot (s, again);
        }

      /* Damaged ones too: a deleted line stays a deleted line. */
      if (!is_transcript (name) && strstr (text, "\n00000400: "))
        {
          g_autofree char *cut = delete_line (text, line_of (text, "\n00000400: ") + 1);
          g_autoptr(MpySnapshot) d = read_one_ok (cut);
          g_autoptr(MpySnapshot) again = read_one_ok (mpy_snapshot_get_raw_text (d));

          assert_damaged (d, "missing");
          assert_same_snapshot (d, again);
        }
    }
}

/* ---------- snapshot ---------- */

static void
test_snapshot_with_metadata (void)
{
  g_autofree char *text = load_file ("fixtures", "microbit-v1.0.1-after-alloc.txt", NULL);
  g_autoptr(MpySnapshot) s = read_one_ok (text);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(MpySnapshot) labelled = mpy_snapshot_with_label (s, "before");
  g_autoptr(MpySnapshot) full = mpy_snapshot_with_metadata (labelled, now, "after", "/dev/ttyACM0",
                                                            "MicroPython v1.9.2", MPY_SNAPSHOT_FLAG_GC);
  g_autoptr(MpySnapshot) cleared = mpy_snapshot_with_label (full, NULL);

  g_assert_null (mpy_snapshot_get_label (s));
  g_assert_cmpstr (mpy_snapshot_get_label (labelled), ==, "before");
  g_assert_cmpstr (mpy_snapshot_get_label (full), ==, "after");
  g_assert_cmpstr (mpy_snapshot_get_port (full), ==, "/dev/ttyACM0");
  g_assert_cmpstr (mpy_snapshot_get_banner (full), ==, "MicroPython v1.9.2");
  g_assert_true (mpy_snapshot_get_time (full) == now);
  g_assert_cmpint (mpy_snapshot_get_flags (full), ==, MPY_SNAPSHOT_FLAG_GC);
  g_assert_null (mpy_snapshot_get_label (cleared));
  g_assert_cmpstr (mpy_snapshot_get_port (cleared), ==, "/dev/ttyACM0");
  /* The map and the raw text are shared, not copied. */
  g_assert_true (mpy_snapshot_get_kinds (full) == mpy_snapshot_get_kinds (s));
  g_assert_true (mpy_snapshot_get_raw_text (cleared) == mpy_snapshot_get_raw_text (s));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (full), ==, 628);
}

static void
test_snapshot_objects (void)
{
  /* Blocks: 0 '=' (no head: an object), 1 '.', 2 'h', 3 '=', 4 '=', 5 'T', 6 '.' */
  g_autoptr(MpySnapshot) s = read_one_ok ("stack: 1\n"
                                          "GC: total: 112, used: 80, free: 32\n"
                                          " No. of 1-blocks: 2, 2-blocks: 0, max blk sz: 3, max free sz: 1\n"
                                          "GC memory layout; from 1000:\n"
                                          "00000: =.h==T.\n");
  gsize start = 99, n = 99;

  assert_consistent (s);
  g_assert_cmpmem (mpy_snapshot_get_kinds (s), 7, "=.h==T.", 7);
  g_assert_true (mpy_snapshot_get_object (s, 0, &start, &n));
  g_assert_cmpuint (start, ==, 0);
  g_assert_cmpuint (n, ==, 1);
  g_assert_false (mpy_snapshot_get_object (s, 1, NULL, NULL));
  g_assert_true (mpy_snapshot_get_object (s, 4, &start, &n));
  g_assert_cmpuint (start, ==, 2);
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (mpy_snapshot_get_object (s, 2, &start, &n));
  g_assert_cmpuint (start, ==, 2);
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (mpy_snapshot_get_object (s, 5, &start, &n));
  g_assert_cmpuint (start, ==, 5);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (mpy_snapshot_get_block_address (s, 5), ==, 0x1000 + 5 * 16);
}

static void
test_snapshot_kinds (void)
{
  /* Legend order, names, heads; old `t` tails and debug `Q`/`q` heads are normalised. */
  g_assert_cmpmem (mpy_kinds, MPY_N_KINDS, ".=hTLDSAFBMm", 12);
  g_assert_cmpstr (mpy_kind_get_name ('.'), ==, "free");
  g_assert_cmpstr (mpy_kind_get_name ('='), ==, "tail");
  g_assert_cmpstr (mpy_kind_get_name ('T'), ==, "tuple");
  g_assert_null (mpy_kind_get_name ('x'));
  g_assert_cmpint (mpy_kind_get_index ('m'), ==, 11);
  g_assert_cmpint (mpy_kind_get_index ('t'), ==, -1);
  g_assert_true (mpy_kind_is_head ('M'));
  g_assert_false (mpy_kind_is_head ('='));
  g_assert_false (mpy_kind_is_head ('.'));
  g_assert_cmpstr (mpy_metric_get_key (mpy_metric_from_figure (MPY_FIGURE_GC_TOTAL)), ==, "gc_total");
  g_assert_cmpstr (mpy_metric_get_key (mpy_metric_from_figure (MPY_FIGURE_ONE_BLOCKS)), ==, "one_blocks");
  g_assert_cmpstr (mpy_metric_get_key (mpy_metric_from_figure (MPY_FIGURE_GC_MAX_NEW_SPLIT)), ==,
                   "max_new_split");

  {
    g_autoptr(MpySnapshot) s = read_one_ok ("stack: 1\n"
                                            "GC: total: 80, used: 64, free: 16\n"
                                            " No. of 1-blocks: 1, 2-blocks: 0, max blk sz: 3, max free sz: 1\n"
                                            "GC memory layout; from 1000:\n"
                                            "01000: htt.Q\n");
    assert_consistent (s);
    g_assert_cmpmem (mpy_snapshot_get_kinds (s), 5, "h==.h", 5);
  }
}

/* ---------- stats ---------- */

static void
test_stats_hand_computed (void)
{
  /* Area 1 (16 blocks): h==.LS..==.T====   Area 2 (8 blocks): D.......
   * objects: h==(3) L(1) S(1) ==(2, headless) T====(5) D(1)  → 6 objects
   * free runs: 1, 2, 1 in area 1; 7 in area 2 → 11 free, holes 4, largest 7 at block 17 */
  g_autoptr(MpySnapshot) s = read_one_ok ("stack: 1\n"
                                          "GC: total: 768, used: 416, free: 352\n"
                                          " No. of 1-blocks: 3, 2-blocks: 1, max blk sz: 5, max free sz: 7\n"
                                          "GC memory layout; from 10000:\n"
                                          "00000000: h==.LS..==.T====\n"
                                          "GC memory layout; from 20000:\n"
                                          "00000000: D.......\n");
  MpyStats st;

  assert_consistent (s);
  mpy_stats_compute (s, &st);
  g_assert_cmpuint (st.n_blocks, ==, 24);
  g_assert_cmpuint (st.bytes_per_block, ==, 32);
  g_assert_cmpuint (st.kind_blocks[mpy_kind_get_index ('.')], ==, 11);
  g_assert_cmpuint (st.kind_blocks[mpy_kind_get_index ('=')], ==, 8);
  g_assert_cmpuint (st.kind_blocks[mpy_kind_get_index ('h')], ==, 1);
  g_assert_cmpuint (st.kind_blocks[mpy_kind_get_index ('T')], ==, 1);
  g_assert_cmpuint (st.kind_objects[mpy_kind_get_index ('D')], ==, 1);
  g_assert_cmpuint (st.kind_objects[mpy_kind_get_index ('=')], ==, 0);
  g_assert_cmpuint (st.kind_objects[mpy_kind_get_index ('.')], ==, 0);
  g_assert_cmpuint (st.used_blocks, ==, 13);
  g_assert_cmpuint (st.free_blocks, ==, 11);
  g_assert_cmpuint (st.n_objects, ==, 6);
  g_assert_cmpuint (st.one_block_objects, ==, 3);
  g_assert_cmpuint (st.two_block_objects, ==, 1);
  g_assert_cmpuint (st.largest_object, ==, 5);
  g_assert_cmpuint (st.free_holes, ==, 4);
  g_assert_cmpuint (st.largest_free_run, ==, 7);
  g_assert_cmpuint (st.largest_free_run_start, ==, 17);
  g_assert_cmpuint (st.largest_free_run_address, ==, 0x20000 + 32);
  g_assert_cmpfloat_with_epsilon (st.fragmentation, 1.0 - 7.0 / 11.0, 1e-9);
  /* sizes 1,1,1 → bucket 0; 2,3 → bucket 1; 5 → bucket 2 */
  g_assert_cmpuint (st.histogram[0], ==, 3);
  g_assert_cmpuint (st.histogram[1], ==, 2);
  g_assert_cmpuint (st.histogram[2], ==, 1);
  g_assert_cmpuint (st.histogram[3], ==, 0);
}

static void
test_stats_edge_cases (void)
{
  g_autoptr(MpySnapshot) full = read_one_ok ("stack: 1\n"
                                             "GC: total: 64, used: 64, free: 0\n"
                                             " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 4, max free sz: 0\n"
                                             "GC memory layout; from 10:\n"
                                             "00000: h===\n");
  g_autoptr(MpySnapshot) empty = read_one_ok ("stack: 1\n"
                                              "GC: total: 2048, used: 0, free: 2048\n"
                                              " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 0, max free sz: 128\n"
                                              "GC memory layout; from 10:\n"
                                              "       (2 lines all free)\n");
  g_autoptr(MpySnapshot) marked = read_one_ok ("stack: 1\n"
                                               "GC: total: 64, used: 32, free: 16\n"
                                               " No. of 1-blocks: 1, 2-blocks: 0, max blk sz: 2, max free sz: 1\n"
                                               "GC memory layout; from 10:\n"
                                               "00000: m=h.\n");
  g_autoptr(MpySnapshot) figures_only = read_one_ok ("stack: 1\nGC: total: 64, used: 64, free: 0\n"
                                                     " No. of 1-blocks: 0, 2-blocks: 0, max blk sz: 4, max free sz: 0\n");
  MpyStats st;

  mpy_stats_compute (full, &st);
  g_assert_cmpuint (st.free_blocks, ==, 0);
  g_assert_cmpfloat (st.fragmentation, ==, 0.0);
  g_assert_cmpuint (st.histogram[2], ==, 1);

  mpy_stats_compute (empty, &st);
  assert_consistent (empty);
  g_assert_cmpuint (st.free_holes, ==, 1);
  g_assert_cmpfloat (st.fragmentation, ==, 0.0);
  g_assert_cmpuint (st.n_objects, ==, 0);

  /* A marked head counts in neither used nor free. */
  mpy_stats_compute (marked, &st);
  g_assert_cmpuint (st.used_blocks, ==, 2);
  g_assert_cmpuint (st.kind_blocks[mpy_kind_get_index ('m')], ==, 1);
  g_assert_cmpuint (st.n_objects, ==, 2);

  mpy_stats_compute (figures_only, &st);
  g_assert_cmpuint (st.n_blocks, ==, 0);
  g_assert_cmpuint (st.n_objects, ==, 0);
}

static void
test_stats_match_reference (void)
{
  static const char alphabet[] = "....====hTLDSABMm";

  for (guint round = 0; round < 200; round++)
    {
      guint n_areas = g_test_rand_int_range (1, 4);
      g_autoptr(GString) text = g_string_new ("stack: 1\nGC: total: 0, used: 0, free: 0\n");
      g_autoptr(GString) all = g_string_new (NULL);
      g_autoptr(GArray) area_start = g_array_new (FALSE, FALSE, sizeof (gsize));
      g_autoptr(MpySnapshot) s = NULL;
      gsize counts[256] = { 0 }, hist[MPY_HISTOGRAM_BUCKETS] = { 0 };
      gsize n_objects = 0, one = 0, two = 0, largest = 0, holes = 0, run_max = 0, run_start = 0;
      MpyStats st;

      for (guint a = 0; a < n_areas; a++)
        {
          gsize n = g_test_rand_int_range (1, 300);

          g_array_append_val (area_start, all->len);
          g_string_append_printf (text, "GC memory layout; from %x:\n", 0x10000 * (a + 1));
          for (gsize i = 0; i < n; i++)
            g_string_append_c (all, alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)]);
          for (gsize i = 0; i < n; i += 64)
            g_string_append_printf (text, "%08zx: %.*s\n", i * 32, (int) MIN (64, n - i),
                                    all->str + all->len - n + i);
        }
      s = read_one_ok (text->str);
      g_assert_cmpmem (mpy_snapshot_get_kinds (s), mpy_snapshot_get_n_blocks (s), all->str, all->len);
      mpy_stats_compute (s, &st);

      /* Naively: walk each area block by block. */
      for (guint a = 0; a < n_areas; a++)
        {
          gsize from = g_array_index (area_start, gsize, a);
          gsize to = a + 1 < n_areas ? g_array_index (area_start, gsize, a + 1) : all->len;
          gsize obj_len = 0, free_len = 0;

          for (gsize i = from; i <= to; i++)
            {
              char c = i < to ? all->str[i] : '\0';

              counts[(guchar) c]++;
              if (obj_len && (c != '=' || i == to))
                {
                  guint b = 0;

                  while (((gsize) 2 << b) <= obj_len)
                    b++;
                  hist[b]++;
                  n_objects++;
                  one += obj_len == 1;
                  two += obj_len == 2;
                  largest = MAX (largest, obj_len);
                  obj_len = 0;
                }
              if (free_len && c != '.')
                {
                  holes++;
                  if (free_len > run_max)
                    run_max = free_len, run_start = i - free_len;
                  free_len = 0;
                }
              if (c == '.')
                free_len++;
              else if (i < to)
                obj_len++;
            }
        }

      g_assert_cmpuint (st.n_blocks, ==, all->len);
      g_assert_cmpuint (st.free_blocks, ==, counts['.']);
      g_assert_cmpuint (st.kind_blocks[1], ==, counts['=']);
      for (int k = 2; k < MPY_N_KINDS; k++)
        g_assert_cmpuint (st.kind_blocks[k], ==, counts[(guchar) mpy_kinds[k]]);
      g_assert_cmpuint (st.used_blocks, ==, all->len - counts['.'] - counts['m']);
      g_assert_cmpuint (st.n_objects, ==, n_objects);
      g_assert_cmpuint (st.one_block_objects, ==, one);
      g_assert_cmpuint (st.two_block_objects, ==, two);
      g_assert_cmpuint (st.largest_object, ==, largest);
      g_assert_cmpuint (st.free_holes, ==, holes);
      g_assert_cmpuint (st.largest_free_run, ==, run_max);
      if (run_max)
        g_assert_cmpuint (st.largest_free_run_start, ==, run_start);
      g_assert_cmpmem (st.histogram, sizeof hist, hist, sizeof hist);
    }
}

/* ---------- diff ---------- */

static MpySnapshot *
tiny_dump (const char *map)
{
  /* Consistency does not matter for the diff; the layout does. */
  gsize n = strlen (map);
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "stack: 1\nGC: total: %zu, used: 0, free: 0\n"
                          "GC memory layout; from 4000:\n", n * 16);
  for (gsize i = 0; i < n; i += 64)
    g_string_append_printf (text, "%05zx: %.*s\n", i * 16, (int) MIN (64, n - i), map + i);
  return read_one_ok (text->str);
}

static void
test_diff_hand_computed (void)
{
  /*            0123456789
   * before:    h==.S.L=T.
   * after:     h=hh.DL==.
   * 0 h/h  same start 0, kind h          unchanged
   * 1 =/=  start 0 both                  unchanged
   * 2 =/h  before start 0, after 2       changed
   * 3 ./h                                allocated
   * 4 S/.                                freed
   * 5 ./D                                allocated
   * 6 L/L  start 6 both                  unchanged
   * 7 =/=                                unchanged
   * 8 T/=  T starts 8, after start 6     changed
   * 9 ./.                                free
   * objects before: h==(0,3) S(4,1) L=(6,2) T(8,1)
   * objects after:  h=(0,2) h(2,1) h(3,1) D(5,1) L==(6,3)
   * kept: none (h at 0 shrank, L at 6 grew) → freed 4, new 5 */
  g_autoptr(MpySnapshot) before = tiny_dump ("h==.S.L=T.");
  g_autoptr(MpySnapshot) after = tiny_dump ("h=hh.DL==.");
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, &error);
  static const guint8 expected[] = {
    MPY_DIFF_UNCHANGED, MPY_DIFF_UNCHANGED, MPY_DIFF_CHANGED, MPY_DIFF_ALLOCATED, MPY_DIFF_FREED,
    MPY_DIFF_ALLOCATED, MPY_DIFF_UNCHANGED, MPY_DIFF_UNCHANGED, MPY_DIFF_CHANGED, MPY_DIFF_FREE,
  };

  g_assert_no_error (error);
  g_assert_cmpuint (mpy_diff_get_n_blocks (diff), ==, 10);
  g_assert_cmpmem (mpy_diff_get_states (diff), 10, expected, 10);
  g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_UNCHANGED), ==, 4);
  g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_CHANGED), ==, 2);
  g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_ALLOCATED), ==, 2);
  g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_FREED), ==, 1);
  g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_FREE), ==, 1);
  g_assert_cmpuint (mpy_diff_get_objects_kept (diff), ==, 0);
  g_assert_cmpuint (mpy_diff_get_objects_freed (diff), ==, 4);
  g_assert_cmpuint (mpy_diff_get_objects_new (diff), ==, 5);
  g_assert_true (mpy_diff_get_before (diff) == before);
  g_assert_true (mpy_diff_get_after (diff) == after);
  g_assert_cmpstr (mpy_diff_state_get_name (MPY_DIFF_CHANGED), ==, "changed");
}

static void
test_diff_objects_kept (void)
{
  /* before: h=.SS=T   after: h=TS.=T
   * objects before: h=(0,2) S(3,1) S=(4,2) T(6,1)
   * after: h=(0,2) T(2,1) S(3,1) =(5,1, headless) T(6,1)
   * kept: h=(0,2), S(3,1), T(6,1) = 3; freed: S=(4,2) = 1; new: T(2), =(5) = 2 */
  g_autoptr(MpySnapshot) before = tiny_dump ("h=.SS=T");
  g_autoptr(MpySnapshot) after = tiny_dump ("h=TS.=T");
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, NULL);
  static const guint8 expected[] = {
    MPY_DIFF_UNCHANGED, MPY_DIFF_UNCHANGED, MPY_DIFF_ALLOCATED, MPY_DIFF_UNCHANGED,
    MPY_DIFF_FREED, MPY_DIFF_CHANGED, MPY_DIFF_UNCHANGED,
  };

  g_assert_cmpmem (mpy_diff_get_states (diff), 7, expected, 7);
  g_assert_cmpuint (mpy_diff_get_objects_kept (diff), ==, 3);
  g_assert_cmpuint (mpy_diff_get_objects_freed (diff), ==, 1);
  g_assert_cmpuint (mpy_diff_get_objects_new (diff), ==, 2);
}

static void
test_diff_fixtures (void)
{
  g_autofree char *ta = load_file ("fixtures", "qemu-mps2-an385-after-alloc.txt", NULL);
  g_autofree char *tb = load_file ("fixtures", "qemu-mps2-an385-after-del-gc.txt", NULL);
  g_autoptr(MpySnapshot) a = read_one_ok (ta);
  g_autoptr(MpySnapshot) b = read_one_ok (tb);
  g_autoptr(MpyDiff) same = mpy_diff_new (a, a, NULL);
  g_autoptr(MpyDiff) diff = mpy_diff_new (a, b, NULL);
  MpyStats sa, sb;
  gint64 delta;
  gsize total = 0;

  mpy_stats_compute (a, &sa);
  mpy_stats_compute (b, &sb);
  /* A snapshot compared with itself: nothing moved. */
  g_assert_cmpuint (mpy_diff_count_blocks (same, MPY_DIFF_UNCHANGED), ==, sa.used_blocks);
  g_assert_cmpuint (mpy_diff_count_blocks (same, MPY_DIFF_FREE), ==, sa.free_blocks);
  g_assert_cmpuint (mpy_diff_get_objects_kept (same), ==, sa.n_objects);
  g_assert_cmpuint (mpy_diff_get_objects_new (same) + mpy_diff_get_objects_freed (same), ==, 0);

  /* Block and object bookkeeping adds up against both sides' statistics. */
  for (int st = 0; st < MPY_N_DIFF_STATES; st++)
    total += mpy_diff_count_blocks (diff, st);
  g_assert_cmpuint (total, ==, sa.n_blocks);
  g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_FREE) + mpy_diff_count_blocks (diff, MPY_DIFF_ALLOCATED),
                    ==, sa.free_blocks);
  g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_FREE) + mpy_diff_count_blocks (diff, MPY_DIFF_FREED),
                    ==, sb.free_blocks);
  g_assert_cmpuint (mpy_diff_get_objects_kept (diff) + mpy_diff_get_objects_freed (diff), ==, sa.n_objects);
  g_assert_cmpuint (mpy_diff_get_objects_kept (diff) + mpy_diff_get_objects_new (diff), ==, sb.n_objects);
  g_assert_cmpuint (mpy_diff_count_blocks (diff, MPY_DIFF_FREED), >, 0);

  g_assert_true (mpy_diff_get_figure_delta (diff, MPY_FIGURE_GC_USED, &delta));
  g_assert_cmpint (delta, ==, (gint64) figure (b, MPY_FIGURE_GC_USED) - (gint64) figure (a, MPY_FIGURE_GC_USED));
  g_assert_cmpint (delta, <, 0);
  g_assert_false (mpy_diff_get_figure_delta (diff, MPY_FIGURE_GC_MAX_NEW_SPLIT, &delta));
}

/* A plain reference for the diff: object starts per block, objects as
 * (start, size, kind) lists, compared directly. */
static void
reference_objects (const char *map,
                   gsize       n,
                   gsize      *start_of,
                   GHashTable *objects)
{
  gsize i = 0;

  while (i < n)
    {
      gsize j = i + 1;

      if (map[i] == '.')
        {
          start_of[i] = G_MAXSIZE;
          i++;
          continue;
        }
      while (j < n && map[j] == '=')
        j++;
      for (gsize k = i; k < j; k++)
        start_of[k] = i;
      g_hash_table_add (objects, g_strdup_printf ("%zu/%zu/%c", i, j - i, map[i]));
      i = j;
    }
}

static void
test_diff_matches_reference (void)
{
  static const char alphabet[] = "...==========hhTLDSABM";

  for (guint round = 0; round < 300; round++)
    {
      gsize n = g_test_rand_int_range (1, 700);
      g_autofree char *mb = g_malloc (n + 1);
      g_autofree char *ma = g_malloc (n + 1);
      g_autofree gsize *sb = g_new (gsize, n);
      g_autofree gsize *sa = g_new (gsize, n);
      g_autoptr(GHashTable) ob = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GHashTable) oa = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(MpySnapshot) before = NULL;
      g_autoptr(MpySnapshot) after = NULL;
      g_autoptr(MpyDiff) diff = NULL;
      const guint8 *states;
      gsize kept = 0, counts[MPY_N_DIFF_STATES] = { 0 };
      int mutations = g_test_rand_int_range (0, 12);
      GHashTableIter iter;
      gpointer key;
      g_autoptr(GError) error = NULL;

      for (gsize i = 0; i < n; i++)
        mb[i] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      mb[n] = '\0';
      /* After = before with a few changed runs, so long equal stretches remain. */
      memcpy (ma, mb, n + 1);
      for (int m = 0; m < mutations; m++)
        {
          gsize at = g_test_rand_int_range (0, n);
          gsize want = g_test_rand_int_range (1, 20);
          gsize len = MIN (want, n - at);

          for (gsize k = at; k < at + len; k++)
            ma[k] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
        }
      if (round % 10 == 0)
        for (gsize i = 0; i < n; i++)
          ma[i] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];

      before = tiny_dump (mb);
      after = tiny_dump (ma);
      diff = mpy_diff_new (before, after, &error);
      if (error)
        g_error ("%s\n%s\n%s", error->message, mb, ma);
      states = mpy_diff_get_states (diff);

      reference_objects (mb, n, sb, ob);
      reference_objects (ma, n, sa, oa);
      for (gsize i = 0; i < n; i++)
        {
          MpyDiffState expected;

          if (mb[i] == '.')
            expected = ma[i] == '.' ? MPY_DIFF_FREE : MPY_DIFF_ALLOCATED;
          else if (ma[i] == '.')
            expected = MPY_DIFF_FREED;
          else
            expected = sb[i] == sa[i] && mb[sb[i]] == ma[sa[i]] ? MPY_DIFF_UNCHANGED : MPY_DIFF_CHANGED;
          if (states[i] != expected)
            g_error ("block %zu: %s, expected %s\nbefore %s\nafter  %s", i,
                     mpy_diff_state_get_name (states[i]), mpy_diff_state_get_name (expected), mb, ma);
          counts[expected]++;
        }
      for (int st = 0; st < MPY_N_DIFF_STATES; st++)
        g_assert_cmpuint (mpy_diff_count_blocks (diff, st), ==, counts[st]);

      g_hash_table_iter_init (&iter, ob);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_hash_table_contains (oa, key))
          kept++;
      g_assert_cmpuint (mpy_diff_get_objects_kept (diff), ==, kept);
      g_assert_cmpuint (mpy_diff_get_objects_freed (diff), ==, g_hash_table_size (ob) - kept);
      g_assert_cmpuint (mpy_diff_get_objects_new (diff), ==, g_hash_table_size (oa) - kept);
    }
}

static void
test_diff_incompatible (void)
{
  g_autofree char *tm = load_file ("fixtures", "microbit-v1.0.1-after-alloc.txt", NULL);
  g_autofree char *tu = load_file ("fixtures", "unix-heap256k-after-alloc.txt", NULL);
  g_autofree char *tq = load_file ("fixtures", "qemu-mps2-an385-after-alloc.txt", NULL);
  g_autofree char *tn = load_file ("fixtures", "microbit-v1.0.1-meminfo-noarg.txt", NULL);
  g_autoptr(MpySnapshot) m = read_one_ok (tm);
  g_autoptr(MpySnapshot) u = read_one_ok (tu);
  g_autoptr(MpySnapshot) q = read_one_ok (tq);
  g_autoptr(MpySnapshot) n = read_one_ok (tn);
  g_autoptr(GError) error = NULL;
  MpyDiff *diff;

  diff = mpy_diff_new (m, u, &error);
  g_assert_null (diff);
  g_assert_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE);
  g_assert_nonnull (strstr (error->message, "cannot be compared"));
  g_clear_error (&error);

  /* Same block size, different heap. */
  diff = mpy_diff_new (m, q, &error);
  g_assert_null (diff);
  g_assert_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE);
  g_clear_error (&error);

  diff = mpy_diff_new (m, n, &error);
  g_assert_null (diff);
  g_assert_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_NO_MAP);
  g_assert_nonnull (strstr (error->message, "mem_info(1)"));
}

/* The figure table: each figure once, one key each, every header figure in it, and map
 * figures absent from a dump without a map. */
static void
test_metric_table (void)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(MpySnapshot) noarg = read_one_ok ("stack: 960 out of 80000\n"
                                              "GC: total: 80, used: 64, free: 16\n"
                                              " No. of 1-blocks: 2, 2-blocks: 1, max blk sz: 2, max free sz: 1\n");
  g_autoptr(MpySnapshot) map = read_one_ok ("stack: 1\n"
                                            "GC: total: 80, used: 64, free: 16\n"
                                            " No. of 1-blocks: 2, 2-blocks: 1, max blk sz: 2, max free sz: 1\n"
                                            "GC memory layout; from 20000a00:\n"
                                            "00000000: h=h.h\n");
  MpyStats stats;
  double value;

  for (guint m = 0; m < MPY_N_METRICS; m++)
    {
      const char *key = mpy_metric_get_key ((MpyMetric) m);
      MpyMetric back;

      g_assert_nonnull (key);
      g_assert_false (g_hash_table_contains (keys, key));
      g_hash_table_add (keys, (gpointer) key);
      for (const char *p = key; *p != '\0'; p++)
        g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_');
      g_assert_true (mpy_metric_from_key (key, &back));
      g_assert_cmpint (back, ==, m);
      g_assert_cmpstr (mpy_metric_get_title ((MpyMetric) m), !=, "");
      g_assert_nonnull (mpy_metric_group_get_title (mpy_metric_get_group ((MpyMetric) m)));
    }
  g_assert_false (mpy_metric_from_key ("gc_max_new_split", NULL));
  for (guint f = 0; f < MPY_N_FIGURES; f++)
    g_assert_cmpuint (mpy_metric_get_group (mpy_metric_from_figure ((MpyFigure) f)), !=, MPY_METRIC_GROUP_MAP);

  /* A figures-only dump has its header figures and none of the map's. */
  mpy_stats_compute (noarg, &stats);
  g_assert_true (mpy_metric_get_value (MPY_METRIC_GC_USED, noarg, &stats, &value));
  g_assert_cmpfloat (value, ==, 64);
  g_assert_true (mpy_metric_get_value (MPY_METRIC_GC_FREE_SHARE, noarg, &stats, &value));
  g_assert_cmpfloat (value, ==, 0.2);
  g_assert_true (mpy_metric_get_value (MPY_METRIC_STACK_FREE_SHARE, noarg, &stats, &value));
  g_assert_cmpfloat (value, ==, 1.0 - 960.0 / 80000.0);
  g_assert_false (mpy_metric_get_value (MPY_METRIC_MEM_TOTAL, noarg, &stats, &value));
  for (guint m = 0; m < MPY_N_METRICS; m++)
    if (mpy_metric_get_group ((MpyMetric) m) == MPY_METRIC_GROUP_MAP)
      g_assert_false (mpy_metric_get_value ((MpyMetric) m, noarg, &stats, &value));

  /* A map: the map figures, formatted for a human and as a number. */
  g_assert_false (mpy_snapshot_is_damaged (map));
  mpy_stats_compute (map, &stats);
  g_assert_true (mpy_metric_get_value (MPY_METRIC_FREE_HOLES, map, &stats, &value));
  g_assert_cmpfloat (value, ==, 1);
  g_assert_true (mpy_metric_get_value (MPY_METRIC_LARGEST_FREE_RUN_ADDRESS, map, &stats, &value));
  g_assert_cmpfloat (value, ==, (double) 0x20000a00 + 3 * 16);
  {
    g_autofree char *address = mpy_metric_format_number (MPY_METRIC_LARGEST_FREE_RUN_ADDRESS, value);
    g_autofree char *blocks = mpy_metric_describe (MPY_METRIC_MAX_BLOCK, map, &stats, NULL);
    g_autofree char *share = mpy_metric_format_number (MPY_METRIC_GC_FREE_SHARE, 0.4);

    g_assert_cmpstr (address, ==, "0x20000a30");
    g_assert_cmpstr (blocks, ==, "2\u00a0blocks, 32\u00a0bytes");
    g_assert_cmpstr (share, ==, "40.0%");
  }
  g_assert_false (mpy_metric_has_delta (MPY_METRIC_LARGEST_FREE_RUN_ADDRESS));
  g_assert_false (mpy_metric_is_integer (MPY_METRIC_FRAGMENTATION));
}

/* Long sessions: consecutive dumps that are the same byte for byte (a program idle between
 * two of them) share their map and raw text instead of holding a copy each; a dump that
 * differs has its own; every raw text is still exactly what was read. */
static void
test_consecutive_dumps_share (void)
{
  g_autofree char *a = load_file ("fixtures", "qemu-mps2-an385-after-alloc.txt", NULL);
  g_autofree char *b = load_file ("fixtures", "qemu-mps2-an385-fragmented.txt", NULL);
  g_autofree char *log = g_strconcat ("boot\n", a, "tick 1\n", a, "tick 2\n", b, "tick 3\n", a, NULL);
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (log, -1, NULL);
  const MpySnapshotData *d[4];

  g_assert_nonnull (dumps);
  g_assert_cmpuint (dumps->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    d[i] = _mpy_snapshot_get_data (g_ptr_array_index (dumps, i));
  g_assert_true (d[1]->kinds == d[0]->kinds);
  g_assert_true (d[1]->raw == d[0]->raw);
  g_assert_true (d[2]->kinds != d[1]->kinds);
  g_assert_true (d[2]->raw != d[1]->raw);
  g_assert_true (d[3]->kinds != d[1]->kinds);   /* only the one before is compared */
  {
    g_autoptr(GBytes) k0 = mpy_snapshot_ref_kinds (g_ptr_array_index (dumps, 0));
    g_autoptr(GBytes) k1 = mpy_snapshot_ref_kinds (g_ptr_array_index (dumps, 1));
    g_autoptr(GBytes) k2 = mpy_snapshot_ref_kinds (g_ptr_array_index (dumps, 2));
    g_autoptr(GBytes) k3 = mpy_snapshot_ref_kinds (g_ptr_array_index (dumps, 3));

    g_assert_true (g_bytes_equal (k3, k0));
    g_assert_false (g_bytes_equal (k2, k1));
  }
  g_assert_cmpstr (mpy_snapshot_get_raw_text (g_ptr_array_index (dumps, 1)), ==,
                   mpy_snapshot_get_raw_text (g_ptr_array_index (dumps, 0)));
  g_assert_nonnull (strstr (log, mpy_snapshot_get_raw_text (g_ptr_array_index (dumps, 2))));
  g_assert_cmpuint (mpy_snapshot_get_raw_length (g_ptr_array_index (dumps, 2)), ==,
                    strlen (mpy_snapshot_get_raw_text (g_ptr_array_index (dumps, 2))));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/fixtures/figures-and-maps", test_fixtures_figures);
  g_test_add_func ("/core/fixtures/console-transcripts", test_fixtures_transcripts);
  g_test_add_func ("/core/damage/deleted-line", test_damage_deleted_line);
  g_test_add_func ("/core/damage/missing-range-named", test_damage_missing_range_named);
  g_test_add_func ("/core/damage/lost-line-keeps-addresses", test_damage_lost_line_keeps_addresses);
  g_test_add_func ("/core/damage/repeated-line", test_damage_repeated_line);
  g_test_add_func ("/core/damage/garbled-offset", test_damage_garbled_offset);
  g_test_add_func ("/core/damage/unknown-kind", test_damage_unknown_kind);
  g_test_add_func ("/core/damage/truncated", test_damage_truncated);
  g_test_add_func ("/core/damage/flipped-char", test_damage_flipped_char);
  g_test_add_func ("/core/damage/cut-off-end-named", test_damage_cut_off_end_named);
  g_test_add_func ("/core/damage/short-line-in-middle", test_damage_short_line_in_middle);
  g_test_add_func ("/core/damage/no-gc-line", test_damage_no_gc_line);
  g_test_add_func ("/core/damage/layout-but-no-lines", test_damage_layout_but_no_lines);
  g_test_add_func ("/core/damage/absurd-numbers", test_damage_absurd_numbers);
  g_test_add_func ("/core/damage/malformed-figures-line", test_damage_malformed_figures_line);
  g_test_add_func ("/core/reader/noise", test_reader_noise);
  g_test_add_func ("/core/reader/webassembly-grown-areas", test_reader_webassembly_grown_areas);
  g_test_add_func ("/core/reader/line-ends", test_reader_line_ends);
  g_test_add_func ("/core/reader/several-dumps", test_reader_several_dumps);
  g_test_add_func ("/core/reader/mem-line-and-optional-figures", test_reader_mem_line);
  g_test_add_func ("/core/reader/stack-without-limit", test_reader_stack_without_limit);
  g_test_add_func ("/core/reader/abbreviated-free-lines", test_reader_rp2_samples);
  g_test_add_func ("/core/reader/multi-area", test_reader_multi_area);
  g_test_add_func ("/core/reader/five-digit-wrap", test_reader_five_digit_wrap);
  g_test_add_func ("/core/reader/not-heap-lines", test_reader_not_heap_lines);
  g_test_add_func ("/core/reader/binary", test_reader_binary);
  g_test_add_func ("/core/reader/huge-line", test_reader_huge_line);
  g_test_add_func ("/core/reader/too-large-file", test_reader_too_large_file);
  g_test_add_func ("/core/reader/raw-text-round-trip", test_reader_raw_text_round_trip);
  g_test_add_func ("/core/reader/fifo-refused-without-blocking", test_reader_pipe);
  g_test_add_func ("/core/file-loader/limits", test_file_loader_limits);
  g_test_add_func ("/core/reader/too-many-dumps", test_reader_too_many_dumps);
  g_test_add_func ("/core/reader/block-limit", test_reader_block_limit);
  g_test_add_func ("/core/reader/missing-file", test_reader_missing_file);
  g_test_add_func ("/core/snapshot/with-metadata", test_snapshot_with_metadata);
  g_test_add_func ("/core/snapshot/objects", test_snapshot_objects);
  g_test_add_func ("/core/snapshot/kinds", test_snapshot_kinds);
  g_test_add_func ("/core/stats/hand-computed", test_stats_hand_computed);
  g_test_add_func ("/core/stats/edge-cases", test_stats_edge_cases);
  g_test_add_func ("/core/stats/no-free-block", test_stats_no_free_block);
  g_test_add_func ("/core/stats/match-reference", test_stats_match_reference);
  g_test_add_func ("/core/diff/hand-computed", test_diff_hand_computed);
  g_test_add_func ("/core/diff/objects-kept", test_diff_objects_kept);
  g_test_add_func ("/core/diff/fixtures", test_diff_fixtures);
  g_test_add_func ("/core/diff/matches-reference", test_diff_matches_reference);
  g_test_add_func ("/core/diff/incompatible", test_diff_incompatible);
  g_test_add_func ("/core/metric/table", test_metric_table);
  g_test_add_func ("/core/reader/consecutive-dumps-share", test_consecutive_dumps_share);

  return g_test_run ();
}
