/* test-scan.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fast scan paths (64-bit words, SSE2) against the plain one block at a time: the
 * statistics of random and adversarial maps, and the check of a block line's characters.
 */

#include <string.h>

#include "mpy-dump-reader-private.h"
#include "mpy-kind-scan-private.h"
#include "mpy-snapshot-private.h"
#include "mpy-stats.h"

static const char *path_names[] = { "bytes", "words", "sse2", "ssse3", "avx2" };

/* A map: @n blocks of runs drawn from @style. */
static void
fill_map (guint8 *map,
          gsize   n,
          guint   style)
{
  static const char kinds[] = ".=hTLDSABFMm";
  gsize i = 0;

  while (i < n)
    {
      gsize len;
      guint8 c;

      switch (style)
        {
        case 0:   /* any kind, one block at a time */
          map[i++] = kinds[g_test_rand_int_range (0, sizeof kinds - 1)];
          continue;
        case 1:   /* objects and holes of every size, long ones too */
          c = g_test_rand_bit () ? '.' : kinds[g_test_rand_int_range (2, sizeof kinds - 1)];
          len = g_test_rand_bit () ? g_test_rand_int_range (1, 10) : g_test_rand_int_range (1, 300);
          map[i++] = c;
          for (gsize k = 1; k < len && i < n; k++)
            map[i++] = c == '.' ? '.' : '=';
          continue;
        case 2:   /* sizes around the word edges: 63, 64, 65, 127, 128, 129 blocks */
          {
            static const gsize edges[] = { 1, 2, 3, 4, 7, 8, 9, 62, 63, 64, 65, 66, 126, 127, 128, 129, 130, 191, 192, 193 };

            c = g_test_rand_int_range (0, 3) == 0 ? '.' : g_test_rand_int_range (0, 4) == 0 ? '=' : 'h';
            len = edges[g_test_rand_int_range (0, G_N_ELEMENTS (edges))];
            map[i++] = c;
            for (gsize k = 1; k < len && i < n; k++)
              map[i++] = c == '.' ? '.' : '=';
            continue;
          }
        case 3:   /* other bytes (the reader never stores them, the paths must still agree; not
                   * NUL, which the reference counts as a headless object's head) */
          map[i++] = g_test_rand_int_range (0, 4) == 0 ? (guint8) g_test_rand_int_range (1, 256)
                     : kinds[g_test_rand_int_range (0, 3)];
          continue;
        default:   /* headless tails after holes, and tails at area starts */
          map[i++] = g_test_rand_bit () ? '.' : '=';
          continue;
        }
    }
}

static void
assert_stats_equal (const MpyStats *a,
                    const MpyStats *b,
                    const char     *what)
{
  if (memcmp (a, b, sizeof *a) == 0)
    return;
  g_test_message ("%s: n_objects %zu / %zu, largest %zu / %zu, run %zu@%zu / %zu@%zu, "
                  "holes %zu / %zu, one %zu / %zu, two %zu / %zu", what,
                  a->n_objects, b->n_objects, a->largest_object, b->largest_object,
                  a->largest_free_run, a->largest_free_run_start, b->largest_free_run,
                  b->largest_free_run_start, a->free_holes, b->free_holes,
                  a->one_block_objects, b->one_block_objects, a->two_block_objects,
                  b->two_block_objects);
  for (int k = 0; k < MPY_N_KINDS; k++)
    g_test_message ("kind %c: blocks %zu / %zu, objects %zu / %zu", mpy_kinds[k], a->kind_blocks[k],
                    b->kind_blocks[k], a->kind_objects[k], b->kind_objects[k]);
  for (int h = 0; h < 8; h++)
    g_test_message ("bucket %d: %zu / %zu", h, a->histogram[h], b->histogram[h]);
  g_test_message ("used %zu / %zu, free %zu / %zu, frag %g / %g", a->used_blocks, b->used_blocks,
                  a->free_blocks, b->free_blocks, a->fragmentation, b->fragmentation);
  g_assert_cmpmem (a, sizeof *a, b, sizeof *b);
}

static void
check_paths (const guint8  *map,
             const MpyArea *areas,
             guint          n_areas,
             guint          bpb)
{
  MpyStats ref, st;

  _mpy_stats_compute_map_path (MPY_SCAN_BYTES, map, areas, n_areas, bpb, &ref);
  for (int path = MPY_SCAN_WORDS; path < MPY_N_SCAN_PATHS; path++)
    {
      if (!_mpy_scan_path_available (path))
        continue;
      _mpy_stats_compute_map_path (path, map, areas, n_areas, bpb, &st);
      assert_stats_equal (&st, &ref, path_names[path]);
    }
}

static void
test_stats_paths_random (void)
{
  for (guint round = 0; round < 3000; round++)
    {
      guint n_areas = g_test_rand_int_range (1, 5);
      MpyArea areas[4];
      gsize total = 0;
      g_autofree guint8 *map = NULL;
      guint style = round % 5;

      for (guint a = 0; a < n_areas; a++)
        {
          /* empty areas, areas shorter than a word, and ones that end anywhere in a word */
          gsize n = g_test_rand_int_range (0, 8) == 0 ? g_test_rand_int_range (0, 3)
                    : g_test_rand_bit () ? g_test_rand_int_range (1, 200)
                    : g_test_rand_int_range (1, 5000);

          areas[a].base = 0x20000000 + 0x100000 * a;
          areas[a].first_block = total;
          areas[a].n_blocks = n;
          total += n;
        }
      /* exactly the map's size, so that a read past its end shows under a sanitizer */
      map = g_malloc (MAX (total, 1));
      fill_map (map, total, style);
      check_paths (total ? map : NULL, areas, n_areas, 16);
    }
}

/* Uniform maps, and each kind at every position of a word of another. */
static void
test_stats_paths_adversarial (void)
{
  static const guint8 fills[] = { '.', '=', 'h', 'm' };
  static const guint8 marks[] = { '.', '=', 'h', 'S', 'm', 1, 0xff, '\r' };
  static const gsize sizes[] = { 1, 2, 63, 64, 65, 127, 128, 129, 200, 4096, 4097 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint f = 0; f < G_N_ELEMENTS (fills); f++)
      {
        gsize n = sizes[s];
        g_autofree guint8 *map = g_malloc (n);
        MpyArea area = { 0x1000, 0, n };

        memset (map, fills[f], n);
        check_paths (map, &area, 1, 32);
        for (guint m = 0; m < G_N_ELEMENTS (marks); m++)
          for (gsize at = 0; at < MIN (n, 200); at++)
            {
              map[at] = marks[m];
              if (at + 70 < n)
                map[at + 70] = marks[m];   /* a second one in the next word */
              check_paths (map, &area, 1, 32);
              memset (map, fills[f], n);
            }
      }
}

/* Two areas: a run that reaches the end of one does not go on into the next. */
static void
test_stats_paths_areas (void)
{
  for (gsize split = 1; split < 300; split++)
    for (guint f = 0; f < 2; f++)
      {
        gsize n = 300;
        guint8 map[300];
        MpyArea areas[2] = { { 0x1000, 0, split }, { 0x9000, split, n - split } };

        memset (map, f ? '=' : '.', n);
        map[0] = 'h';
        check_paths (map, areas, 2, 16);
        map[split - 1] = 'h';
        check_paths (map, areas, 2, 16);
      }
}

static void
check_copy_line (const char *s,
                 gsize       n)
{
  guint8 ref[64], out[64];
  gboolean ref_ok = _mpy_kind_copy_line (MPY_SCAN_BYTES, s, n, ref);
  gboolean expect = TRUE;

  for (gsize i = 0; i < n; i++)
    expect &= strchr (".=hTLDSAFBMm", s[i]) != NULL && s[i] != '\0';
  g_assert_cmpint (ref_ok, ==, expect);
  g_assert_cmpmem (ref, n, s, n);
  for (int path = MPY_SCAN_WORDS; path < MPY_N_SCAN_PATHS; path++)
    {
      if (!_mpy_scan_path_available (path))
        continue;
      memset (out, 0xaa, sizeof out);
      g_assert_cmpint (_mpy_kind_copy_line (path, s, n, out), ==, ref_ok);
      g_assert_cmpmem (out, n, s, n);
    }
}

/* Lines of kind characters with a bad one (old and debug kinds too) at every position. */
static void
test_copy_line_paths (void)
{
  static const char bad[] = { 't', 'Q', 'q', '\r', '\n', ' ', ':', '0', 'a', 'H', 'x', '\0',
                              '\x7f', '\x80', '\xae', '\xbd', '\xff', '-', '/', '>' };
  static const char *fills[] = { "................................................................",
                                 "================================================================",
                                 "h=======h=hShShShS==A==L=..T.DFBMmh=======h=hShShShS==A==L=..T.D" };
  char line[65];

  for (guint f = 0; f < G_N_ELEMENTS (fills); f++)
    for (gsize n = 0; n <= 64; n++)
      {
        memcpy (line, fills[f], 64);
        check_copy_line (line, n);
        for (gsize at = 0; at < n; at++)
          for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
            {
              memcpy (line, fills[f], 64);
              line[at] = bad[b];
              check_copy_line (line, n);
            }
      }
  /* every byte, at every position of the four vectors of a full line */
  for (guint c = 0; c < 256; c++)
    for (gsize at = 0; at < 64; at++)
      {
        memcpy (line, fills[2], 64);
        line[at] = (char) c;
        check_copy_line (line, 64);
      }
  for (guint round = 0; round < 20000; round++)
    {
      gsize n = g_test_rand_int_range (0, 65);

      for (gsize i = 0; i < n; i++)
        line[i] = g_test_rand_int_range (0, 50) == 0 ? (char) g_test_rand_int_range (0, 256)
                  : ".=hTLDSAFBMmtQq"[g_test_rand_int_range (0, 15)];
      check_copy_line (line, n);
    }
}

/* ---------- runs of block lines held as one record ---------- */

static void
append_map_line (GString    *out,
                 guint       digits,
                 guint64     offset,
                 const char *kinds,
                 gsize       n,
                 const char *eol)
{
  if (digits == 5)
    g_string_append_printf (out, "%05" G_GINT64_MODIFIER "x: ", offset & 0xfffff);
  else
    g_string_append_printf (out, "%08" G_GINT64_MODIFIER "x: ", offset);
  g_string_append_len (out, kinds, n);
  g_string_append (out, eol);
}

/* A console log of dumps with every kind of damage a serial line does to them, now and then:
 * lines lost, doubled, swapped, cut short, garbled offsets and characters, text printed in. */
static char *
damaged_log (guint     damage,
             gboolean *clean)
{
  static const char *eols[] = { "\n", "\r\n", "\r\r\n" };
  GString *out = g_string_new ("boot\n");
  guint n_dumps = g_test_rand_int_range (1, 4);

  for (guint d = 0; d < n_dumps; d++)
    {
      guint bpb = g_test_rand_bit () ? 16 : 32;
      guint digits = g_test_rand_bit () ? 5 : 8;
      guint n_areas = g_test_rand_int_range (0, 6) == 0 ? 2 : 1;
      const char *eol = eols[g_test_rand_int_range (0, 3)];
      gboolean wrong_step = g_test_rand_int_range (0, 10) == 0;
      guint64 step = wrong_step ? 64 * (bpb / 2) : 64 * bpb;
      g_autoptr(GString) body = g_string_new (NULL);
      g_autoptr(GString) map = g_string_new (NULL);
      MpyArea areas[2];
      MpyStats st;
      gsize total = 0;

      for (guint a = 0; a < n_areas; a++)
        {
          guint n_lines = g_test_rand_int_range (1, 60);
          guint64 base = 0x20000000 + 0x40000 * a + (g_test_rand_bit () ? 0x3f00 : 0);
          gboolean relative = digits == 8 || g_test_rand_bit ();
          char line[64];

          areas[a].base = base;
          areas[a].first_block = total;
          g_string_append_printf (body, "GC memory layout; from %" G_GINT64_MODIFIER "x:%s", base, eol);
          for (guint l = 0; l < n_lines; l++)
            {
              guint64 offset = (relative ? 0 : base) + l * step;
              gsize n = l + 1 == n_lines ? g_test_rand_int_range (1, 65) : 64;
              guint r = g_test_rand_int_range (0, 1000);

              fill_map ((guint8 *) line, n, g_test_rand_int_range (0, 3));
              g_string_append_len (map, line, n);
              total += n;
              if (r < damage)   /* lost */
                continue;
              if (r < 2 * damage && l + 1 < n_lines)   /* cut short */
                n = g_test_rand_int_range (0, 64);
              else if (r < 3 * damage)   /* a garbled offset */
                offset ^= (guint64) 1 << g_test_rand_int_range (0, digits * 4);
              else if (r < 4 * damage)   /* a garbled character, or an old firmware's 't' */
                line[g_test_rand_int_range (0, n)] = "tQx?\x80"[g_test_rand_int_range (0, 5)];
              else if (r < 5 * damage)   /* text printed into the dump */
                g_string_append_printf (body, "tick %u%s", r, eol);
              else if (r < 6 * damage)   /* the line twice */
                append_map_line (body, digits, offset, line, n, eol);
              else if (r < 7 * damage && l + 2 < n_lines)   /* the next line first */
                {
                  char next[64];

                  fill_map ((guint8 *) next, 64, 0);
                  append_map_line (body, digits, offset + step, next, 64, eol);
                  append_map_line (body, digits, offset, line, n, eol);
                  g_string_append_len (map, next, 64);
                  total += 64;
                  l++;
                  continue;
                }
              else if (r < 8 * damage && l + 3 < n_lines)   /* lines all free */
                {
                  g_string_append_printf (body, "       (2 lines all free)%s", eol);
                  g_string_truncate (map, map->len - n);
                  for (guint i = 0; i < 128; i++)
                    g_string_append_c (map, '.');
                  total += 128 - n;
                  l += 2;
                  continue;
                }
              append_map_line (body, digits, offset, line, n, eol);
            }
          areas[a].n_blocks = total - areas[a].first_block;
        }
      /* The figures of the map as sent, so that a dump without damage is consistent. */
      _mpy_stats_compute_map_path (MPY_SCAN_BYTES, (const guint8 *) map->str, areas, n_areas, bpb, &st);
      g_assert_cmpuint (map->len, ==, total);
      *clean &= damage == 0 && !wrong_step && (digits == 8 || n_areas == 1);
      g_string_append_printf (out, "stack: 1 out of 2%sGC: total: %zu, used: %zu, free: %zu%s"
                              " No. of 1-blocks: %zu, 2-blocks: %zu, max blk sz: %zu, max free sz: %zu%s%s",
                              eol, total * bpb, st.used_blocks * bpb, st.free_blocks * bpb, eol,
                              st.one_block_objects, st.two_block_objects, st.largest_object,
                              st.largest_free_run, eol, body->str);
      if (g_test_rand_bit ())
        g_string_append_printf (out, ">>> print('done')%sdone%s", eol, eol);
    }
  return g_string_free (out, FALSE);
}

static void
assert_same_snapshot (MpySnapshot *a,
                      MpySnapshot *b)
{
  const MpySnapshotData *da = _mpy_snapshot_get_data (a), *db = _mpy_snapshot_get_data (b);
  guint na = 0, nb = 0;
  const MpyBlockRange *ma = mpy_snapshot_get_missing_ranges (a, &na);
  const MpyBlockRange *mb = mpy_snapshot_get_missing_ranges (b, &nb);

  g_assert_cmpstr (mpy_snapshot_get_damage_reason (a), ==, mpy_snapshot_get_damage_reason (b));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (a), ==, mpy_snapshot_get_n_blocks (b));
  g_assert_cmpmem (mpy_snapshot_get_kinds (a), mpy_snapshot_get_n_blocks (a),
                   mpy_snapshot_get_kinds (b), mpy_snapshot_get_n_blocks (b));
  g_assert_cmpuint (da->n_areas, ==, db->n_areas);
  g_assert_cmpmem (da->areas, da->n_areas * sizeof (MpyArea), db->areas, db->n_areas * sizeof (MpyArea));
  g_assert_cmpuint (da->bytes_per_block, ==, db->bytes_per_block);
  g_assert_cmpmem (ma, na * sizeof (MpyBlockRange), mb, nb * sizeof (MpyBlockRange));
  g_assert_cmpmem (&da->stats, sizeof da->stats, &db->stats, sizeof db->stats);
  g_assert_cmpstr (mpy_snapshot_get_raw_text (a), ==, mpy_snapshot_get_raw_text (b));
}

/* Read with runs of lines held as one record, and with one record per line: the same
 * snapshots, damage reasons (with their line numbers) and all. */
static void
test_joined_lines_random_damage (void)
{
  guint damaged = 0, consistent = 0;

  for (guint round = 0; round < 3000; round++)
    {
      gboolean clean = TRUE;
      g_autofree char *text = damaged_log (round % 4 == 0 ? 0 : round % 4 == 1 ? 2 : 15, &clean);
      g_autoptr(GPtrArray) joined = NULL;
      g_autoptr(GPtrArray) single = NULL;
      g_autoptr(GError) e1 = NULL;
      g_autoptr(GError) e2 = NULL;

      joined = mpy_dump_reader_read (text, -1, &e1);
      _mpy_reader_join_lines = FALSE;
      single = mpy_dump_reader_read (text, -1, &e2);
      _mpy_reader_join_lines = TRUE;
      g_assert_no_error (e1);
      g_assert_no_error (e2);
      g_assert_cmpuint (joined->len, ==, single->len);
      for (guint i = 0; i < joined->len; i++)
        {
          MpySnapshot *snapshot = g_ptr_array_index (joined, i);

          assert_same_snapshot (snapshot, g_ptr_array_index (single, i));
          if (clean && mpy_snapshot_is_damaged (snapshot))
            g_error ("a dump without damage is damaged: %s\n%s", mpy_snapshot_get_damage_reason (snapshot), text);
          damaged += mpy_snapshot_is_damaged (snapshot);
          consistent += !mpy_snapshot_is_damaged (snapshot);
        }
    }
  g_test_message ("%u damaged dumps, %u consistent", damaged, consistent);
  g_assert_cmpuint (damaged, >, 1000);
  g_assert_cmpuint (consistent, >, 500);
}

/* A block line's offset: 8 or 5 lowercase hex digits and ": "; any other byte at any digit
 * makes it not a block line, and every digit counts. */
static void
test_offset_digits (void)
{
  static const char h64[] = "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh";

  for (guint digits = 5; digits <= 8; digits += 3)
    for (guint at = 0; at < digits; at++)
      for (guint c = 1; c < 256; c++)
        {
          char offset[9] = "00000000";
          g_autofree char *text = NULL;
          g_autoptr(MpySnapshot) s = NULL;
          gboolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');

          if (c == '\n' || c == '\r')
            continue;
          offset[digits] = '\0';
          offset[at] = (char) c;
          /* the map's only line: where its offset puts it the map does not reach */
          text = g_strdup_printf ("stack: 1\nGC: total: 1024, used: 1024, free: 0\n"
                                  " No. of 1-blocks: 64, 2-blocks: 0, max blk sz: 1, max free sz: 0\n"
                                  "GC memory layout; from 0:\n%s: %s\n", offset, h64);
          s = mpy_dump_reader_read_one (text, -1, NULL);
          g_assert_nonnull (s);
          g_assert_cmpuint (mpy_snapshot_get_n_blocks (s), ==, (hex ? 64 : 0));
          g_assert_cmpint (mpy_snapshot_is_damaged (s), ==, c != '0');
        }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (int path = 0; path < MPY_N_SCAN_PATHS; path++)
    g_test_message ("scan path %s: %s%s", path_names[path],
                    _mpy_scan_path_available (path) ? "tested" : "not available on this CPU",
                    _mpy_scan_path_best () == (MpyScanPath) path ? " (the one used)" : "");
  g_test_add_func ("/core/scan/stats-paths-random", test_stats_paths_random);
  g_test_add_func ("/core/scan/stats-paths-adversarial", test_stats_paths_adversarial);
  g_test_add_func ("/core/scan/stats-paths-areas", test_stats_paths_areas);
  g_test_add_func ("/core/scan/copy-line-paths", test_copy_line_paths);
  g_test_add_func ("/core/scan/joined-lines-random-damage", test_joined_lines_random_damage);
  g_test_add_func ("/core/scan/offset-digits", test_offset_digits);
  return g_test_run ();
}
