/* fuzz-reader.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: any bytes into the dump reader, then everything a
 * snapshot offers. Besides crashes and sanitizer reports, it checks the
 * invariants the rest of the program relies on.
 */

#include <stdint.h>
#include <string.h>

#include "mpy-diff.h"
#include "mpy-dump-reader-private.h"
#include "mpy-snapshot-private.h"
#include "mpy-stats.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap (); } while (0)

static void
check_snapshot (MpySnapshot *s,
                size_t       input_size)
{
  MpyStats st;
  gsize n_blocks = mpy_snapshot_get_n_blocks (s);
  gsize sum = 0, step;
  const guint8 *kinds = mpy_snapshot_get_kinds (s);
  g_autoptr(MpySnapshot) labelled = mpy_snapshot_with_label (s, "fuzz");
  g_autoptr(MpyDiff) diff = NULL;

  /* Raw text is a NUL-terminated slice of the input. */
  CHECK (mpy_snapshot_get_raw_length (s) <= input_size);
  CHECK (strlen (mpy_snapshot_get_raw_text (s)) <= mpy_snapshot_get_raw_length (s));
  CHECK (mpy_snapshot_is_damaged (s) == (mpy_snapshot_get_damage_reason (s) != NULL));

  /* Areas cover the map back to back; every block is a kind. */
  for (guint a = 0; a < mpy_snapshot_get_n_areas (s); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (s, a);

      CHECK (area->first_block == sum);
      sum += area->n_blocks;
    }
  CHECK (sum == n_blocks);
  CHECK (mpy_snapshot_has_map (s) == (mpy_snapshot_get_n_areas (s) > 0));
  for (gsize i = 0; i < n_blocks; i++)
    CHECK (mpy_kind_get_index ((char) kinds[i]) >= 0);

  /* Lost lines: ordered, inside the map, free, and only in a damaged dump. */
  {
    guint n_ranges = 0;
    const MpyBlockRange *ranges = mpy_snapshot_get_missing_ranges (s, &n_ranges);
    gsize end = 0;

    CHECK ((ranges == NULL) == (n_ranges == 0));
    CHECK (n_ranges == 0 || mpy_snapshot_is_damaged (s));
    for (guint r = 0; r < n_ranges; r++)
      {
        CHECK (ranges[r].n_blocks > 0 && ranges[r].first_block >= end);
        end = ranges[r].first_block + ranges[r].n_blocks;
        CHECK (end <= n_blocks);
      }
  }

  mpy_stats_compute (s, &st);
  CHECK (st.n_blocks == n_blocks);
  /* Every scan path gives the same statistics as the plain one (without lost lines, which
   * the reader redoes the free runs for). */
  {
    const MpySnapshotData *data = _mpy_snapshot_get_data (s);
    MpyStats ref, other;

    _mpy_stats_compute_map_path (MPY_SCAN_BYTES, kinds, data->areas, data->n_areas,
                                 data->bytes_per_block, &ref);
    for (int path = MPY_SCAN_WORDS; path < MPY_N_SCAN_PATHS; path++)
      if (_mpy_scan_path_available (path))
        {
          _mpy_stats_compute_map_path (path, kinds, data->areas, data->n_areas,
                                       data->bytes_per_block, &other);
          CHECK (memcmp (&ref, &other, sizeof ref) == 0);
        }
    if (data->n_missing == 0)
      CHECK (memcmp (&ref, &st, sizeof ref) == 0);
  }
  CHECK (st.free_blocks + st.used_blocks <= n_blocks);
  CHECK (st.largest_free_run <= st.free_blocks);
  CHECK (st.fragmentation >= 0.0 && st.fragmentation <= 1.0);

  /* Objects and addresses at a sample of blocks. */
  step = n_blocks / 64 + 1;
  for (gsize i = 0; i < n_blocks; i += step)
    {
      gsize start = 0, len = 0;

      (void) mpy_snapshot_get_block_address (s, i);
      if (mpy_snapshot_get_object (s, i, &start, &len))
        CHECK (start <= i && i < start + len && len <= st.largest_object);
      else
        CHECK (kinds[i] == MPY_KIND_FREE);
    }

  /* A snapshot diffed with itself is unchanged everywhere. */
  diff = mpy_diff_new (s, labelled, NULL);
  if (mpy_snapshot_has_map (s))
    {
      CHECK (diff != NULL);
      CHECK (mpy_diff_count_blocks (diff, MPY_DIFF_CHANGED) == 0);
      CHECK (mpy_diff_count_blocks (diff, MPY_DIFF_FREE) == st.free_blocks);
      CHECK (mpy_diff_get_objects_kept (diff) == st.n_objects);
    }
  else
    CHECK (diff == NULL);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read ((const char *) data, (gssize) size, &error);

  if (dumps == NULL)
    {
      CHECK (error != NULL && error->domain == MPY_READER_ERROR);
      return 0;
    }
  CHECK (error == NULL && dumps->len > 0);
  for (guint i = 0; i < dumps->len; i++)
    check_snapshot (g_ptr_array_index (dumps, i), size);

  /* Runs of lines held as one record read the same as one record per line. */
  {
    g_autoptr(GPtrArray) single = NULL;

    _mpy_reader_join_lines = FALSE;
    single = mpy_dump_reader_read ((const char *) data, (gssize) size, NULL);
    _mpy_reader_join_lines = TRUE;
    CHECK (single != NULL && single->len == dumps->len);
    for (guint i = 0; i < dumps->len; i++)
      {
        MpySnapshot *a = g_ptr_array_index (dumps, i), *b = g_ptr_array_index (single, i);
        const MpySnapshotData *da = _mpy_snapshot_get_data (a), *db = _mpy_snapshot_get_data (b);

        CHECK (g_strcmp0 (da->damage_reason, db->damage_reason) == 0);
        {
          /* the maps, not their storage: a map may be kept as a delta against the dump
           * before it, which differs between the two reads */
          g_autoptr(GBytes) ka = mpy_snapshot_ref_kinds (a);
          g_autoptr(GBytes) kb = mpy_snapshot_ref_kinds (b);

          CHECK (g_bytes_equal (ka, kb));
        }
        CHECK (da->n_areas == db->n_areas && da->bytes_per_block == db->bytes_per_block);
        CHECK (da->n_areas == 0 || memcmp (da->areas, db->areas, da->n_areas * sizeof (MpyArea)) == 0);
        CHECK (da->n_missing == db->n_missing);
        CHECK (da->n_missing == 0
               || memcmp (da->missing, db->missing, da->n_missing * sizeof (MpyBlockRange)) == 0);
        CHECK (memcmp (&da->stats, &db->stats, sizeof da->stats) == 0);
      }
  }

  /* Neighbouring dumps of the same board diff cleanly or fail with an error. */
  for (guint i = 1; i < dumps->len; i++)
    {
      g_autoptr(GError) diff_error = NULL;
      g_autoptr(MpyDiff) diff = mpy_diff_new (g_ptr_array_index (dumps, i - 1),
                                              g_ptr_array_index (dumps, i), &diff_error);

      CHECK ((diff == NULL) == (diff_error != NULL));
    }
  return 0;
}
