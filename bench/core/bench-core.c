/* bench-core.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read + stats of a consistent 1,048,576-block dump, diff of two such dumps,
 * and the memory a snapshot takes per block besides its raw text.
 * The dumps are built from the block lines of real fixtures, tiled, with the
 * header figures fixed up to match the map.
 */

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mpy-bench.h"
#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-stats.h"

#define N_BLOCKS   MPY_BENCH_N_BLOCKS
#define N_LINES    MPY_BENCH_N_LINES
#define ROUNDS     41

/* Thread CPU time: on a shared machine it shows the code's own cost. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static gsize
heap_in_use (void)
{
  struct mallinfo2 mi = mallinfo2 ();

  return mi.uordblks + mi.hblkhd;
}

int
main (int   argc,
      char *argv[])
{
  const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
  g_autofree char *dump_a = mpy_bench_build_dump (dir, "qemu-mps2-an385-after-alloc.txt");
  g_autofree char *dump_b = mpy_bench_build_dump (dir, "qemu-mps2-an385-fragmented.txt");
  gsize len_a = strlen (dump_a);
  double t_read[ROUNDS], t_diff[ROUNDS], c_read[ROUNDS], c_diff[ROUNDS];
  g_autoptr(MpySnapshot) a = NULL;
  g_autoptr(MpySnapshot) b = NULL;
  MpyStats st;
  gsize before, after;
  double per_block;

  /* Memory of one snapshot besides its raw text. */
  before = heap_in_use ();
  a = mpy_dump_reader_read_one (dump_a, len_a, NULL);
  after = heap_in_use ();
  g_assert (a != NULL);
  if (mpy_snapshot_is_damaged (a))
    g_error ("the benchmark dump is damaged: %s", mpy_snapshot_get_damage_reason (a));
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (a), ==, N_BLOCKS);
  per_block = (double) (after - before - mpy_snapshot_get_raw_length (a)) / N_BLOCKS;

  b = mpy_dump_reader_read_one (dump_b, -1, NULL);
  if (mpy_snapshot_is_damaged (b))
    g_error ("the second benchmark dump is damaged: %s", mpy_snapshot_get_damage_reason (b));

  for (guint r = 0; r < ROUNDS; r++)
    {
      double c0 = cpu_ms ();
      gint64 t0 = g_get_monotonic_time ();
      MpySnapshot *s = mpy_dump_reader_read_one (dump_a, len_a, NULL);

      mpy_stats_compute (s, &st);
      t_read[r] = (g_get_monotonic_time () - t0) / 1000.0;
      c_read[r] = cpu_ms () - c0;
      mpy_snapshot_unref (s);
    }
  for (guint r = 0; r < ROUNDS; r++)
    {
      double c0 = cpu_ms ();
      gint64 t0 = g_get_monotonic_time ();
      MpyDiff *d = mpy_diff_new (a, b, NULL);

      t_diff[r] = (g_get_monotonic_time () - t0) / 1000.0;
      c_diff[r] = cpu_ms () - c0;
      g_assert (d != NULL);
      mpy_diff_unref (d);
    }

  printf ("core benchmark: %d blocks (%d lines, %zu bytes of dump text), %d rounds\n",
          N_BLOCKS, N_LINES, len_a, ROUNDS);
  printf ("read + stats: median %.2f ms (target <= 3 ms); CPU time median %.2f ms\n",
          mpy_bench_median (t_read, ROUNDS), mpy_bench_median (c_read, ROUNDS));
  printf ("diff:         median %.2f ms (target <= 3 ms); CPU time median %.2f ms\n",
          mpy_bench_median (t_diff, ROUNDS), mpy_bench_median (c_diff, ROUNDS));
  printf ("memory:       %.3f bytes per block besides the raw text (target <= 2)\n", per_block);
  printf ("dump:         %zu objects, %zu free blocks, fragmentation %.3f\n",
          st.n_objects, st.free_blocks, st.fragmentation);
  {
    g_autoptr(MpyDiff) d = mpy_diff_new (a, b, NULL);

    printf ("diff pair:    %zu unchanged, %zu changed, %zu allocated, %zu freed, %zu free blocks\n",
            mpy_diff_count_blocks (d, MPY_DIFF_UNCHANGED), mpy_diff_count_blocks (d, MPY_DIFF_CHANGED),
            mpy_diff_count_blocks (d, MPY_DIFF_ALLOCATED), mpy_diff_count_blocks (d, MPY_DIFF_FREED),
            mpy_diff_count_blocks (d, MPY_DIFF_FREE));
  }
  return 0;
}
