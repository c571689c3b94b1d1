/* mpy-stats.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-stats.h"
#include "mpy-snapshot-private.h"

#include <string.h>

static inline void
add_object (MpyStats *stats,
            gsize    *head_counts,
            guint8    head,
            gsize     len)
{
  guint bucket;

  stats->n_objects++;
  head_counts[head]++;
  if (len == 1)
    stats->one_block_objects++;
  else if (len == 2)
    stats->two_block_objects++;
  if (len > stats->largest_object)
    stats->largest_object = len;
  bucket = g_bit_storage (len) - 1;
  stats->histogram[MIN (bucket, MPY_HISTOGRAM_BUCKETS - 1)]++;
}

void
_mpy_stats_compute_map (const guint8  *kinds,
                        const MpyArea *areas,
                        guint          n_areas,
                        guint          bytes_per_block,
                        MpyStats      *stats)
{
  gsize head_counts[256] = { 0 };
  gsize tail_blocks = 0;
  gboolean have_run = FALSE;

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

      stats->n_blocks += n;
      while (i < n)
        {
          guint8 c = p[i];
          gsize j = i + 1;

          if (c == MPY_KIND_FREE)
            {
              gsize run;

              while (j < n && p[j] == MPY_KIND_FREE)
                j++;
              run = j - i;
              stats->free_blocks += run;
              stats->free_holes++;
              if (!have_run || run > stats->largest_free_run)
                {
                  have_run = TRUE;
                  stats->largest_free_run = run;
                  stats->largest_free_run_start = areas[a].first_block + i;
                  stats->largest_free_run_address =
                    areas[a].base + (guint64) i * bytes_per_block;
                }
            }
          else
            {
              /* An object: a head and its tails, or tails with no head before them. */
              while (j < n && p[j] == MPY_KIND_TAIL)
                j++;
              if (c == MPY_KIND_TAIL)
                {
                  /* Headless: an object of no kind (head_counts[0] is never read). */
                  tail_blocks += j - i;
                  add_object (stats, head_counts, 0, j - i);
                }
              else
                {
                  tail_blocks += j - i - 1;
                  add_object (stats, head_counts, c, j - i);
                }
            }
          i = j;
        }
    }

  for (int k = 0; k < MPY_N_KINDS; k++)
    {
      guint8 c = (guint8) mpy_kinds[k];

      if (c == MPY_KIND_FREE)
        stats->kind_blocks[k] = stats->free_blocks;
      else if (c == MPY_KIND_TAIL)
        stats->kind_blocks[k] = tail_blocks;
      else
        {
          stats->kind_blocks[k] = head_counts[c];
          stats->kind_objects[k] = head_counts[c];
        }
    }
  stats->used_blocks = stats->n_blocks - stats->free_blocks - head_counts[MPY_KIND_MARKED];
  if (stats->free_blocks > 0)
    stats->fragmentation = 1.0 - (double) stats->largest_free_run / (double) stats->free_blocks;
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
