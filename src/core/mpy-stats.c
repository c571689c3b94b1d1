/* mpy-stats.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-stats.h"
#include "mpy-snapshot-private.h"

#include <string.h>

void
_mpy_stats_compute_map (const guint8  *kinds,
                        const MpyArea *areas,
                        guint          n_areas,
                        guint          bytes_per_block,
                        MpyStats      *stats)
{
  /* Counters live in locals, not in *stats: the kinds are bytes, which may
   * alias anything, so the compiler would store every update to memory. */
  gsize head_counts[256] = { 0 };   /* objects by head kind; [0]: headless */
  gsize hist[MPY_HISTOGRAM_BUCKETS] = { 0 };
  gsize n_blocks = 0, free_blocks = 0, holes = 0, two = 0, largest = 0;
  gsize run_max = 0, run_start = 0, n_objects = 0;
  guint64 run_address = 0;

  memset (stats, 0, sizeof *stats);
  stats->bytes_per_block = bytes_per_block;

  for (guint a = 0; a < n_areas; a++)
    {
      const guint8 *p;
      gsize n = areas[a].n_blocks;
      gsize i = 0;

      if (n == 0)   /* (kinds may be NULL when the whole map is empty) */
        continue;
      p = kinds + areas[a].first_block;

      n_blocks += n;
      while (i < n)
        {
          guint8 c = p[i];
          gsize j = i + 1, len;
          guint bucket;

          if (c == MPY_KIND_FREE)
            {
              while (j < n && p[j] == MPY_KIND_FREE)
                j++;
              len = j - i;
              free_blocks += len;
              holes++;
              if (len > run_max)
                {
                  run_max = len;
                  run_start = areas[a].first_block + i;
                  run_address = areas[a].base + (guint64) i * bytes_per_block;
                }
              i = j;
              continue;
            }

          /* An object: a head and its tails, or tails with no head before them. */
          while (j < n && p[j] == MPY_KIND_TAIL)
            j++;
          len = j - i;
          head_counts[c == MPY_KIND_TAIL ? 0 : c]++;
          bucket = g_bit_storage (len) - 1;
          hist[MIN (bucket, MPY_HISTOGRAM_BUCKETS - 1)]++;
          two += len == 2;
          largest = MAX (largest, len);
          i = j;
        }
    }

  for (guint b = 0; b < MPY_HISTOGRAM_BUCKETS; b++)
    {
      stats->histogram[b] = hist[b];
      n_objects += hist[b];
    }
  stats->n_blocks = n_blocks;
  stats->free_blocks = free_blocks;
  stats->free_holes = holes;
  stats->n_objects = n_objects;
  stats->one_block_objects = hist[0];
  stats->two_block_objects = two;
  stats->largest_object = largest;
  stats->largest_free_run = run_max;
  stats->largest_free_run_start = run_start;
  stats->largest_free_run_address = run_address;

  for (int k = 0; k < MPY_N_KINDS; k++)
    {
      guint8 c = (guint8) mpy_kinds[k];

      if (c == MPY_KIND_FREE)
        stats->kind_blocks[k] = free_blocks;
      else if (c == MPY_KIND_TAIL)   /* every used block that is not a head */
        stats->kind_blocks[k] = n_blocks - free_blocks - (n_objects - head_counts[0]);
      else
        {
          stats->kind_blocks[k] = head_counts[c];
          stats->kind_objects[k] = head_counts[c];
        }
    }
  stats->used_blocks = n_blocks - free_blocks - head_counts[MPY_KIND_MARKED];
  if (free_blocks > 0)
    stats->fragmentation = 1.0 - (double) run_max / (double) free_blocks;
}

void
_mpy_stats_exclude_missing (const guint8        *kinds,
                            const MpyArea       *areas,
                            guint                n_areas,
                            guint                bytes_per_block,
                            const MpyBlockRange *missing,
                            guint                n_missing,
                            MpyStats            *stats)
{
  gsize holes = 0, run_max = 0, run_start = 0, known_free = 0;
  guint64 run_address = 0;
  guint m = 0;

  if (n_missing == 0)
    return;
  for (guint a = 0; a < n_areas; a++)
    {
      gsize first = areas[a].first_block, end = first + areas[a].n_blocks;
      gsize i = first;

      while (i < end)
        {
          gsize j, stop = end;

          while (m < n_missing && missing[m].first_block + missing[m].n_blocks <= i)
            m++;
          if (m < n_missing && missing[m].first_block <= i)
            {
              i = MIN (missing[m].first_block + missing[m].n_blocks, end);   /* not received */
              continue;
            }
          if (m < n_missing && missing[m].first_block < end)
            stop = missing[m].first_block;
          if (kinds[i] != MPY_KIND_FREE)
            {
              i++;
              continue;
            }
          for (j = i + 1; j < stop && kinds[j] == MPY_KIND_FREE; j++)
            ;
          known_free += j - i;
          holes++;
          if (j - i > run_max)
            {
              run_max = j - i;
              run_start = i;
              run_address = areas[a].base + (guint64) (i - first) * bytes_per_block;
            }
          i = j;
        }
    }
  stats->free_holes = holes;
  stats->largest_free_run = run_max;
  stats->largest_free_run_start = run_start;
  stats->largest_free_run_address = run_address;
  stats->fragmentation = known_free > 0 ? 1.0 - (double) run_max / (double) known_free : 0.0;
}

/**
 * mpy_stats_compute:
 * @snapshot: a snapshot
 * @stats: (out caller-allocates): the statistics
 *
 * Fills @stats from the block map of @snapshot; all zero for a figures-only snapshot.
 */
void
mpy_stats_compute (MpySnapshot *snapshot,
                   MpyStats    *stats)
{
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (stats != NULL);

  /* The reader computed them once when it built the snapshot (it needs them
   * for the consistency verdict); snapshots are immutable. */
  *stats = _mpy_snapshot_get_data (snapshot)->stats;
}
