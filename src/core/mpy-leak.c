/* mpy-leak.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Garbage or live (a pair around gc.collect()) and is it leaking (the same code run N times,
 * each run followed by gc.collect() and a capture), read from the block maps.
 */

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mpy-leak.h"

/**
 * mpy_pair_get_garbage_live:
 * @diff: a block diff of a capture and a capture after gc.collect()
 * @garbage_bytes: (out) (optional): bytes of the first capture's objects gone in the second
 * @live_bytes: (out) (optional): bytes of its objects still there
 *
 * Returns: %FALSE for a figure diff.
 */
gboolean
mpy_pair_is_gc_pair (MpyDiff *diff)
{
  g_return_val_if_fail (diff != NULL, FALSE);

  return (mpy_snapshot_get_flags (mpy_diff_get_after (diff)) & MPY_SNAPSHOT_FLAG_GC) &&
         !(mpy_snapshot_get_flags (mpy_diff_get_before (diff)) & MPY_SNAPSHOT_FLAG_GC);
}

gboolean
mpy_pair_get_garbage_live (MpyDiff *diff,
                           guint64 *garbage_bytes,
                           guint64 *live_bytes)
{
  guint bpb;

  g_return_val_if_fail (diff != NULL, FALSE);

  if (!mpy_diff_has_blocks (diff))
    return FALSE;
  bpb = mpy_snapshot_get_bytes_per_block (mpy_diff_get_before (diff));
  if (garbage_bytes != NULL)
    *garbage_bytes = (guint64) (mpy_diff_count_blocks (diff, MPY_DIFF_FREED) +
                                mpy_diff_count_blocks (diff, MPY_DIFF_CHANGED)) * bpb;
  if (live_bytes != NULL)
    *live_bytes = (guint64) mpy_diff_count_blocks (diff, MPY_DIFF_UNCHANGED) * bpb;
  return TRUE;
}

static gsize
object_length (const guint8 *kinds,
               gsize         head,
               gsize         end)
{
  gsize j = head + 1;

  while (j < end && kinds[j] == MPY_KIND_TAIL)
    j++;
  return j - head;
}

/* The end (exclusive) of the area that holds block @b. */
static gsize
area_end (MpySnapshot *snapshot,
          gsize        b)
{
  for (guint a = 0; a < mpy_snapshot_get_n_areas (snapshot); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, a);

      if (b >= area->first_block && b < area->first_block + area->n_blocks)
        return area->first_block + area->n_blocks;
    }
  return mpy_snapshot_get_n_blocks (snapshot);
}

static guint64
block_address (MpySnapshot *snapshot,
               gsize        b)
{
  guint bpb = mpy_snapshot_get_bytes_per_block (snapshot);

  for (guint a = 0; a < mpy_snapshot_get_n_areas (snapshot); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, a);

      if (b >= area->first_block && b < area->first_block + area->n_blocks)
        return area->base + (guint64) (b - area->first_block) * bpb;
    }
  return 0;
}

/* Whether @snapshot (whose map is @kinds) has the object that starts at @head in another:
 * same head kind, same length. */
static gboolean
has_object (MpySnapshot  *snapshot,
            const guint8 *kinds,
            gsize         head,
            guint8        kind,
            gsize         length)
{
  return kinds[head] == kind && object_length (kinds, head, area_end (snapshot, head)) == length;
}

static guint64
used_bytes (MpySnapshot *snapshot)
{
  guint64 used;
  g_autoptr(GBytes) map = NULL;
  const guint8 *kinds;
  gsize n, count = 0;

  if (mpy_snapshot_get_figure (snapshot, MPY_FIGURE_GC_USED, &used))
    return used;
  map = mpy_snapshot_ref_kinds (snapshot);
  kinds = g_bytes_get_data (map, NULL);
  n = mpy_snapshot_get_n_blocks (snapshot);
  for (gsize i = 0; i < n; i++)
    count += kinds[i] != MPY_KIND_FREE;
  return (guint64) count * mpy_snapshot_get_bytes_per_block (snapshot);
}

/**
 * mpy_leak_analyze:
 * @snapshots: (element-type MpySnapshot): the baseline, then one snapshot per run
 * @error: where the reason goes when they cannot be compared
 *
 * Retained bytes per run (used bytes after the run − at the baseline), their least-squares
 * slope, the survivors (objects new in a run after the first that are still there in the
 * last snapshot, having survived every run between) and the verdict: leaking when the slope
 * is above half a block per run and retained bytes never fall from one run to the next.
 *
 * Returns: (transfer full) (nullable): the report
 */
MpyLeakReport *
mpy_leak_analyze (GPtrArray  *snapshots,
                  GError    **error)
{
  g_autoptr(MpyLeakReport) report = NULL;
  MpySnapshot *baseline;
  guint bpb;
  double mean_x = 0, mean_y = 0, sxx = 0, sxy = 0;
  gboolean monotone = TRUE;

  g_return_val_if_fail (snapshots != NULL, NULL);

  if (snapshots->len < 2)
    {
      g_set_error_literal (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_NO_MAP,
                           _("a leak check needs a baseline and at least one run"));
      return NULL;
    }
  baseline = g_ptr_array_index (snapshots, 0);
  for (guint i = 1; i < snapshots->len; i++)
    if (!mpy_diff_check_compatible (baseline, g_ptr_array_index (snapshots, i), error))
      return NULL;
  bpb = mpy_snapshot_get_bytes_per_block (baseline);

  report = g_new0 (MpyLeakReport, 1);
  report->n_runs = snapshots->len - 1;
  report->retained_bytes = g_new0 (gint64, report->n_runs);
  report->survivors = g_array_new (FALSE, FALSE, sizeof (MpyLeakObject));

  for (guint r = 0; r < report->n_runs; r++)
    {
      report->retained_bytes[r] = (gint64) used_bytes (g_ptr_array_index (snapshots, r + 1))
                                  - (gint64) used_bytes (baseline);
      if (r > 0 && report->retained_bytes[r] < report->retained_bytes[r - 1])
        monotone = FALSE;
      mean_x += r + 1;
      mean_y += (double) report->retained_bytes[r];
    }
  mean_x /= report->n_runs;
  mean_y /= report->n_runs;
  for (guint r = 0; r < report->n_runs; r++)
    {
      double dx = (r + 1) - mean_x;

      sxx += dx * dx;
      sxy += dx * ((double) report->retained_bytes[r] - mean_y);
    }
  report->growth_bytes_per_run = sxx > 0 ? sxy / sxx : 0;
  report->leaking = report->n_runs >= 2 && monotone && report->growth_bytes_per_run > bpb / 2.0;

  /* Survivors: objects new in run r ≥ 2 (the first run warms up: globals, caches) that every
   * later snapshot still has, from runs that retained more than the run before. Snapshots
   * index runs from 1 (retained_bytes from 0). One pass in order, two maps at a time: the
   * objects new so far are dropped at the first later snapshot that lacks them. */
  {
    g_autoptr(GBytes) prev_map = mpy_snapshot_ref_kinds (g_ptr_array_index (snapshots, 1));

    for (guint s = 2; s < snapshots->len; s++)
      {
        MpySnapshot *snap = g_ptr_array_index (snapshots, s);
        MpySnapshot *prev = g_ptr_array_index (snapshots, s - 1);
        g_autoptr(GBytes) map = mpy_snapshot_ref_kinds (snap);
        const guint8 *kinds = g_bytes_get_data (map, NULL);
        const guint8 *prev_kinds = g_bytes_get_data (prev_map, NULL);
        gsize n = mpy_snapshot_get_n_blocks (snap);
        guint kept = 0;

        for (guint k = 0; k < report->survivors->len; k++)
          {
            MpyLeakObject *object = &g_array_index (report->survivors, MpyLeakObject, k);

            if (has_object (snap, kinds, object->head_block, (guint8) object->kind, object->n_blocks))
              g_array_index (report->survivors, MpyLeakObject, kept++) = *object;
          }
        g_array_set_size (report->survivors, kept);

        /* A run that retained nothing more (what it made replaced what it freed) has no
         * survivors: an object standing where an equal one stood is not told apart by a map.
         * The last snapshot's new objects have no later snapshot to survive in. */
        if (s + 1 < snapshots->len && report->retained_bytes[s - 1] > report->retained_bytes[s - 2])
          for (gsize b = 0; b < n; b++)
            {
              guint8 kind = kinds[b];
              gsize length;
              MpyLeakObject object;

              if (kind == MPY_KIND_FREE || kind == MPY_KIND_TAIL)
                continue;
              length = object_length (kinds, b, area_end (snap, b));
              if (has_object (prev, prev_kinds, b, kind, length))
                continue;   /* not new in this run */
              object.head_block = b;
              object.address = block_address (snap, b);
              object.kind = (char) kind;
              object.n_blocks = length;
              object.bytes = (guint64) length * bpb;
              g_array_append_val (report->survivors, object);
            }
        g_clear_pointer (&prev_map, g_bytes_unref);
        prev_map = g_steal_pointer (&map);
      }
  }
  return g_steal_pointer (&report);
}

/**
 * mpy_leak_report_free:
 * @report: (transfer full): a report
 */
void
mpy_leak_report_free (MpyLeakReport *report)
{
  if (report == NULL)
    return;
  g_free (report->retained_bytes);
  g_array_unref (report->survivors);
  g_free (report);
}

static const char *cost_group_keys[MPY_N_COST_GROUPS] = {
  [MPY_COST_BYTECODE] = "bytecode",
  [MPY_COST_MODULE] = "module",
  [MPY_COST_DICT] = "dict",
  [MPY_COST_STR] = "str",
  [MPY_COST_TUPLE_LIST] = "tuple_list",
  [MPY_COST_OTHER] = "other",
};

/**
 * mpy_cost_group_get_key:
 * @group: a cost group
 *
 * Returns: its key in `cost --json`.
 */
const char *
mpy_cost_group_get_key (MpyCostGroup group)
{
  g_return_val_if_fail (group < MPY_N_COST_GROUPS, NULL);
  return cost_group_keys[group];
}

static MpyCostGroup
cost_group (char kind)
{
  switch (kind)
    {
    case MPY_KIND_BYTECODE: return MPY_COST_BYTECODE;
    case MPY_KIND_MODULE:   return MPY_COST_MODULE;
    case MPY_KIND_DICT:     return MPY_COST_DICT;
    case MPY_KIND_STR:      return MPY_COST_STR;
    case MPY_KIND_TUPLE:
    case MPY_KIND_LIST:     return MPY_COST_TUPLE_LIST;
    default:                return MPY_COST_OTHER;
    }
}

static void
bytes_by_group (MpySnapshot *snapshot,
                gint64       bytes[MPY_N_COST_GROUPS])
{
  g_autoptr(GBytes) map = mpy_snapshot_ref_kinds (snapshot);
  const guint8 *kinds = g_bytes_get_data (map, NULL);
  guint bpb = mpy_snapshot_get_bytes_per_block (snapshot);

  memset (bytes, 0, sizeof (gint64) * MPY_N_COST_GROUPS);
  for (guint a = 0; a < mpy_snapshot_get_n_areas (snapshot); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, a);
      MpyCostGroup group = MPY_COST_OTHER;

      for (gsize i = area->first_block; i < area->first_block + area->n_blocks; i++)
        {
          if (kinds[i] == MPY_KIND_FREE)
            continue;
          if (kinds[i] != MPY_KIND_TAIL)
            group = cost_group ((char) kinds[i]);
          bytes[group] += bpb;
        }
    }
}

/**
 * mpy_cost_compute:
 * @before: the capture (after gc.collect()) before the import
 * @after: the capture (after gc.collect()) after it
 * @by_group: (out caller-allocates): after − before, in bytes, per group
 *
 * Returns: the bytes the import kept: the sum of @by_group.
 */
gint64
mpy_cost_compute (MpySnapshot *before,
                  MpySnapshot *after,
                  gint64       by_group[MPY_N_COST_GROUPS])
{
  gint64 b[MPY_N_COST_GROUPS], a[MPY_N_COST_GROUPS], total = 0;

  g_return_val_if_fail (before != NULL && after != NULL, 0);

  bytes_by_group (before, b);
  bytes_by_group (after, a);
  for (guint k = 0; k < MPY_N_COST_GROUPS; k++)
    {
      by_group[k] = a[k] - b[k];
      total += by_group[k];
    }
  return total;
}

/**
 * mpy_qstr_info_parse:
 * @text: what micropython.qstr_info() printed
 * @n_qstr: (out): its n_qstr
 * @n_str_data_bytes: (out): its n_str_data_bytes
 *
 * Returns: %FALSE when @text has no qstr pool figures.
 */
gboolean
mpy_qstr_info_parse (const char *text,
                     guint64    *n_qstr,
                     guint64    *n_str_data_bytes)
{
  const char *q, *b;

  g_return_val_if_fail (text != NULL, FALSE);

  q = strstr (text, "n_qstr=");
  b = strstr (text, "n_str_data_bytes=");
  if (q == NULL || b == NULL || !g_ascii_isdigit (q[7]) || !g_ascii_isdigit (b[17]))
    return FALSE;
  *n_qstr = g_ascii_strtoull (q + 7, NULL, 10);
  *n_str_data_bytes = g_ascii_strtoull (b + 17, NULL, 10);
  return TRUE;
}
