/* mpy-bench.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "mpy-bench.h"
#include "mpy-dump-reader.h"
#include "mpy-stats.h"

#define BPB 16

/* The full (64-block) map lines of a fixture, in order. */
static GPtrArray *
fixture_lines (const char *dir,
               const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strchomp (lines[i]);
      if (strlen (lines[i]) == 8 + 2 + 64 && lines[i][8] == ':')
        g_ptr_array_add (out, g_strdup (lines[i] + 10));
    }
  g_assert (out->len > 0);
  return out;
}

static GString *
build_map (GPtrArray *src,
           guint      n_lines)
{
  GString *map = g_string_sized_new ((gsize) n_lines * 76);

  g_string_append (map, "GC memory layout; from 20000000:\r\n");
  for (guint l = 0; l < n_lines; l++)
    g_string_append_printf (map, "%08x: %s\r\n", l * 64 * BPB,
                            (const char *) g_ptr_array_index (src, l % src->len));
  return map;
}

/**
 * mpy_bench_build_dump:
 * @dir: the fixtures directory
 * @fixture: a fixture file in @dir with full 64-block map lines
 *
 * A consistent dump of %MPY_BENCH_N_BLOCKS blocks: the fixture's map lines tiled, read once
 * with a placeholder header, then given the header the firmware would have printed for it.
 *
 * Returns: (transfer full): the dump text
 */
char *
mpy_bench_build_dump (const char *dir,
                      const char *fixture)
{
  return mpy_bench_build_dump_of (dir, fixture, MPY_BENCH_N_BLOCKS);
}

/**
 * mpy_bench_build_dump_of:
 * @dir: the fixtures directory
 * @fixture: a fixture file in @dir with full 64-block map lines
 * @n_blocks: the heap's size in blocks of 16 bytes, a multiple of 64
 *
 * As mpy_bench_build_dump(), for a heap of @n_blocks (16,384: a 256 KB heap).
 *
 * Returns: (transfer full): the dump text
 */
char *
mpy_bench_build_dump_of (const char *dir,
                         const char *fixture,
                         gsize       n_blocks)
{
  g_autoptr(GPtrArray) src = fixture_lines (dir, fixture);
  g_autoptr(GString) map = build_map (src, (guint) (n_blocks / 64));
  g_autofree char *draft = g_strconcat ("stack: 508 out of 15360\r\n"
                                        "GC: total: 0, used: 0, free: 0\r\n", map->str, NULL);
  g_autoptr(MpySnapshot) s = mpy_dump_reader_read_one (draft, -1, NULL);
  MpyStats st;

  g_assert (s != NULL);
  mpy_stats_compute (s, &st);
  return g_strdup_printf ("mem: total=1000000, current=500000, peak=600000\r\n"
                          "stack: 508 out of 15360\r\n"
                          "GC: total: %zu, used: %zu, free: %zu\r\n"
                          " No. of 1-blocks: %zu, 2-blocks: %zu, max blk sz: %zu, max free sz: %zu\r\n"
                          "%s",
                          st.n_blocks * BPB, st.used_blocks * BPB, st.free_blocks * BPB,
                          st.one_block_objects, st.two_block_objects, st.largest_object,
                          st.largest_free_run, map->str);
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Sorts @values in place. */
double
mpy_bench_median (double *values,
                  guint   n)
{
  qsort (values, n, sizeof *values, cmp_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}
