/* mpy-fit.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Will it fit: the free runs of a block map, read the way MicroPython's gc_alloc() reads
 * them. An object of n blocks needs n consecutive free blocks in one area; gc_alloc()
 * takes the first such run from the start of the heap (after a collection it starts
 * there), so the largest object that fits now is the longest free run.
 */

#include <string.h>

#include "mpy-fit.h"
#include "mpy-stats.h"

/* Calls @func for every maximal free run of @snapshot's map, areas in order. */
typedef void (*RunFunc) (const MpyFreeRun *run,
                         gpointer          data);

static void
for_each_free_run (MpySnapshot *snapshot,
                   int          only_area,
                   RunFunc      func,
                   gpointer     data)
{
  g_autoptr(GBytes) map = mpy_snapshot_ref_kinds (snapshot);
  const guint8 *kinds = g_bytes_get_data (map, NULL);
  guint bpb = mpy_snapshot_get_bytes_per_block (snapshot);

  for (guint a = 0; a < mpy_snapshot_get_n_areas (snapshot); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, a);
      gsize i = 0;

      if (only_area >= 0 && (guint) only_area != a)
        continue;
      while (i < area->n_blocks)
        {
          gsize j;
          MpyFreeRun run;

          if (kinds[area->first_block + i] != MPY_KIND_FREE)
            {
              i++;
              continue;
            }
          for (j = i + 1; j < area->n_blocks && kinds[area->first_block + j] == MPY_KIND_FREE; j++)
            ;
          run.area = a;
          run.first_block = area->first_block + i;
          run.n_blocks = j - i;
          run.address = area->base + (guint64) i * bpb;
          func (&run, data);
          i = j;
        }
    }
}

static void
keep_longest (const MpyFreeRun *run,
              gpointer          data)
{
  MpyFreeRun *longest = data;

  if (run->n_blocks > longest->n_blocks)
    *longest = *run;
}

/**
 * mpy_fit_area_largest_free_run:
 * @snapshot: a snapshot
 * @area: an area index
 * @run: (out): the longest free run of that area
 *
 * Returns: %FALSE when the area has no free block, or @snapshot no map.
 */
gboolean
mpy_fit_area_largest_free_run (MpySnapshot *snapshot,
                               guint        area,
                               MpyFreeRun  *run)
{
  MpyFreeRun longest = { 0 };
  guint n_missing = 0;

  g_return_val_if_fail (snapshot != NULL, FALSE);

  if (!mpy_snapshot_has_map (snapshot) || area >= mpy_snapshot_get_n_areas (snapshot))
    return FALSE;
  mpy_snapshot_get_missing_ranges (snapshot, &n_missing);
  if (mpy_snapshot_get_n_areas (snapshot) == 1 && n_missing == 0)
    {
      /* the whole heap's longest free run, found by the reader the same way (the first of
       * the longest), without making the map again: `stats --json` of a long log asks for
       * it once per snapshot; the figures of a dump that lost lines leave the filler out,
       * so that one is scanned */
      MpyStats stats;

      mpy_stats_compute (snapshot, &stats);
      longest.area = 0;
      longest.first_block = stats.largest_free_run_start;
      longest.n_blocks = stats.largest_free_run;
      longest.address = stats.largest_free_run_address;
    }
  else
    for_each_free_run (snapshot, (int) area, keep_longest, &longest);
  if (run != NULL)
    *run = longest;
  return longest.n_blocks > 0;
}

typedef struct {
  MpyFitAnswer *answer;
  MpyFreeRun    longest;
  guint         bpb;
} CheckData;

static void
check_run (const MpyFreeRun *run,
           gpointer          data)
{
  CheckData *check = data;
  MpyFitAnswer *answer = check->answer;

  keep_longest (run, &check->longest);
  if (run->n_blocks >= answer->blocks_needed)
    {
      if (!answer->fits)
        {
          answer->fits = TRUE;
          answer->run = *run;
        }
    }
  else
    answer->scattered_free_bytes += (guint64) run->n_blocks * check->bpb;
}

/**
 * mpy_fit_check:
 * @snapshot: a snapshot with a map
 * @bytes: the size of the object
 * @answer: (out caller-allocates): whether and where it fits
 *
 * Answers whether one new object of @bytes bytes fits in the heap of @snapshot without the
 * heap growing: in the first free run (areas in order) that is long enough, as gc_alloc()
 * looks. When it does not fit, @answer says by how much it misses the longest run and how
 * many free bytes lie in runs too short for it.
 *
 * Returns: %FALSE when @snapshot has no map (or no block size).
 */
gboolean
mpy_fit_check (MpySnapshot  *snapshot,
               guint64       bytes,
               MpyFitAnswer *answer)
{
  CheckData check = { 0 };

  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  memset (answer, 0, sizeof *answer);
  check.bpb = mpy_snapshot_get_bytes_per_block (snapshot);
  if (!mpy_snapshot_has_map (snapshot) || check.bpb == 0)
    return FALSE;
  answer->blocks_needed = MAX ((bytes + check.bpb - 1) / check.bpb, 1);
  check.answer = answer;
  for_each_free_run (snapshot, -1, check_run, &check);
  if (!answer->fits)
    {
      guint64 largest = (guint64) check.longest.n_blocks * check.bpb;

      answer->run = check.longest;
      answer->missing_bytes = (guint64) answer->blocks_needed * check.bpb - largest;
    }
  return TRUE;
}

/**
 * mpy_fit_parse_size:
 * @text: a size: a number of bytes, optionally with B, k/K/KiB (1024) or M/MiB
 * @bytes: (out): the size in bytes
 *
 * Returns: %TRUE when @text is such a size.
 */
gboolean
mpy_fit_parse_size (const char *text,
                    guint64    *bytes)
{
  g_autofree char *copy = NULL;
  char *end = NULL, *unit;
  double value;
  double factor = 1;

  g_return_val_if_fail (text != NULL, FALSE);

  copy = g_strstrip (g_strdup (text));
  if (copy[0] == '\0' || !g_ascii_isdigit (copy[0]))
    return FALSE;
  value = g_ascii_strtod (copy, &end);
  unit = g_strstrip (end);
  if (unit[0] == '\0' || g_ascii_strcasecmp (unit, "b") == 0)
    factor = 1;
  else if (g_ascii_strcasecmp (unit, "k") == 0 || g_ascii_strcasecmp (unit, "kib") == 0 ||
           g_ascii_strcasecmp (unit, "kb") == 0)
    factor = 1024;
  else if (g_ascii_strcasecmp (unit, "m") == 0 || g_ascii_strcasecmp (unit, "mib") == 0 ||
           g_ascii_strcasecmp (unit, "mb") == 0)
    factor = 1024 * 1024;
  else
    return FALSE;
  if (!(value >= 0) || value * factor > (double) G_MAXUINT32 * 1024)
    return FALSE;
  if (bytes != NULL)
    *bytes = (guint64) (value * factor + 0.5);
  return TRUE;
}
