/* mpy-diff.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n-lib.h>

#include "mpy-diff.h"
#include "mpy-snapshot-private.h"
#include "mpy-stats.h"

#include <string.h>

G_DEFINE_QUARK (mpy-diff-error-quark, mpy_diff_error)
G_DEFINE_BOXED_TYPE (MpyDiff, mpy_diff, mpy_diff_ref, mpy_diff_unref)

struct _MpyDiff
{
  MpySnapshot *before;
  MpySnapshot *after;
  guint8      *states;
  gsize        n_blocks;
  gsize        counts[MPY_N_DIFF_STATES];
  gsize        objects_new;
  gsize        objects_freed;
  gsize        objects_kept;
  gboolean     has_blocks;
};

#define HIGH_BITS G_GUINT64_CONSTANT (0x8080808080808080)
#define LOW_7     G_GUINT64_CONSTANT (0x7f7f7f7f7f7f7f7f)

/* 0x80 in every byte of @x that is zero, 0 elsewhere (exact, no carries). */
static inline guint64
zero_bytes (guint64 x)
{
  return ~(((x & LOW_7) + LOW_7) | x | LOW_7);
}

static const char *state_names[MPY_N_DIFF_STATES] = {
  "free", "unchanged", "allocated", "freed", "changed",
};

/**
 * mpy_diff_state_get_name:
 * @state: a diff state
 *
 * Returns: "free", "unchanged", "allocated", "freed" or "changed".
 */
const char *
mpy_diff_state_get_name (MpyDiffState state)
{
  g_return_val_if_fail (state < MPY_N_DIFF_STATES, NULL);

  return state_names[state];
}

static void
diff_clear (MpyDiff *self)
{
  g_clear_pointer (&self->before, mpy_snapshot_unref);
  g_clear_pointer (&self->after, mpy_snapshot_unref);
  g_clear_pointer (&self->states, g_free);
}

/**
 * mpy_diff_check_compatible:
 * @before: the earlier snapshot
 * @after: the later snapshot
 * @error: the reason when they cannot be compared, in the words of a clause
 *   ("their blocks are 16 and 8 bytes (…)"), for the caller to lead with its own words
 *   (g_prefix_error())
 *
 * Returns: whether mpy_diff_new() can compare the two block by block
 */
gboolean
mpy_diff_check_compatible (MpySnapshot  *before,
                           MpySnapshot  *after,
                           GError      **error)
{
  guint n_areas;

  g_return_val_if_fail (before != NULL, FALSE);
  g_return_val_if_fail (after != NULL, FALSE);

  if (!mpy_snapshot_has_map (before) || !mpy_snapshot_has_map (after))
    {
      g_set_error_literal (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_NO_MAP,
                           mpy_snapshot_has_map (before)
                           ? _("the second snapshot has no block map (it was captured with "
                               "mem_info() without an argument); capture with mem_info(1) to "
                               "compare maps")
                           : _("the first snapshot has no block map (it was captured with "
                               "mem_info() without an argument); capture with mem_info(1) to "
                               "compare maps"));
      return FALSE;
    }
  if (mpy_snapshot_get_bytes_per_block (before) != mpy_snapshot_get_bytes_per_block (after))
    {
      g_set_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE,
                   _("their blocks are %u and %u bytes (different boards or firmware)"),
                   mpy_snapshot_get_bytes_per_block (before),
                   mpy_snapshot_get_bytes_per_block (after));
      return FALSE;
    }
  n_areas = mpy_snapshot_get_n_areas (before);
  if (n_areas != mpy_snapshot_get_n_areas (after))
    {
      g_set_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE,
                   _("one heap has %u areas, the other %u (different boards, or the heap "
                     "grew in between)"),
                   n_areas, mpy_snapshot_get_n_areas (after));
      return FALSE;
    }
  for (guint a = 0; a < n_areas; a++)
    {
      const MpyArea *x = mpy_snapshot_get_area (before, a);
      const MpyArea *y = mpy_snapshot_get_area (after, a);

      if (x->n_blocks != y->n_blocks || x->base != y->base)
        {
          /* (The addresses are formatted apart: a macro in a message hides it from xgettext.) */
          g_autofree char *x_base = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", x->base);
          g_autofree char *y_base = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", y->base);

          g_set_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE,
                       _("heap area %u is %zu blocks from %s in one and %zu blocks from %s in "
                         "the other (different boards or heap sizes)"),
                       a + 1, x->n_blocks, x_base, y->n_blocks, y_base);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * mpy_diff_new:
 * @before: the earlier snapshot
 * @after: the later snapshot
 * @error: return location for a #GError
 *
 * Compares @after with @before block by block and object by object. An object
 * is kept when both have one with the same start, size and kind.
 *
 * Returns: (transfer full) (nullable): the diff, or %NULL when the layouts differ.
 */
MpyDiff *
mpy_diff_new (MpySnapshot  *before,
              MpySnapshot  *after,
              GError      **error)
{
  MpyDiff *self;
  g_autoptr(GBytes) map_before = NULL;
  g_autoptr(GBytes) map_after = NULL;
  const guint8 *kb, *ka;
  guint8 *st;
  gsize kept = 0;
  MpyStats stats_before, stats_after;

  g_return_val_if_fail (before != NULL, NULL);
  g_return_val_if_fail (after != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!mpy_diff_check_compatible (before, after, error))
    {
      if (error != NULL && g_error_matches (*error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE))
        g_prefix_error (error, _("the snapshots cannot be compared: "));
      return NULL;
    }

  self = g_atomic_rc_box_new0 (MpyDiff);
  self->before = mpy_snapshot_ref (before);
  self->after = mpy_snapshot_ref (after);
  self->has_blocks = TRUE;
  self->n_blocks = mpy_snapshot_get_n_blocks (after);
  self->states = g_malloc (MAX (self->n_blocks, 1));
  map_before = mpy_snapshot_ref_kinds (before);
  map_after = mpy_snapshot_ref_kinds (after);
  kb = g_bytes_get_data (map_before, NULL);
  ka = g_bytes_get_data (map_after, NULL);
  st = self->states;

  for (guint a = 0; a < mpy_snapshot_get_n_areas (after); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (after, a);
      gsize i = area->first_block, end = i + area->n_blocks;
      /* same: since the last block where both sides started an object at the
       * same place (equal head, or equal free block before headless tails),
       * both sides are equal, so the objects open now are the same object.
       * open: the previous block is used (on both sides while same). */
      gboolean same = TRUE, open = FALSE;

      while (i < end)
        {
          guint8 b, c;

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
          /* Fast path: 8 equal blocks while the open objects are the same. */
          if (same && i + 8 <= end)
            {
              guint64 w1, w2;

              memcpy (&w1, kb + i, 8);
              memcpy (&w2, ka + i, 8);
              if (w1 == w2)
                {
                  guint64 free_mask = zero_bytes (w1 ^ G_GUINT64_CONSTANT (0x2e2e2e2e2e2e2e2e));
                  guint64 tail_mask = zero_bytes (w1 ^ G_GUINT64_CONSTANT (0x3d3d3d3d3d3d3d3d));
                  guint64 used_mask = ~free_mask & HIGH_BITS;
                  guint64 prev_used = (used_mask << 8) | (open ? 0x80 : 0);
                  guint64 closes = ~tail_mask & HIGH_BITS & prev_used;
                  guint64 states = used_mask >> 7;   /* MPY_DIFF_UNCHANGED = 1, FREE = 0 */
                  guint n_free = (guint) __builtin_popcountll (free_mask);

                  kept += (gsize) __builtin_popcountll (closes);
                  memcpy (st + i, &states, 8);
                  self->counts[MPY_DIFF_FREE] += n_free;
                  self->counts[MPY_DIFF_UNCHANGED] += 8 - n_free;
                  open = (used_mask >> 63) != 0;
                  i += 8;
                  continue;
                }
            }
#endif
          b = kb[i];
          c = ka[i];
          if (b == c)
            {
              if (b == MPY_KIND_FREE)
                {
                  if (same && open)
                    kept++;
                  st[i] = MPY_DIFF_FREE;
                  same = TRUE;
                  open = FALSE;
                }
              else if (b == MPY_KIND_TAIL)
                {
                  st[i] = same ? MPY_DIFF_UNCHANGED : MPY_DIFF_CHANGED;
                  open = TRUE;
                }
              else
                {
                  if (same && open)
                    kept++;
                  st[i] = MPY_DIFF_UNCHANGED;
                  same = TRUE;
                  open = TRUE;
                }
            }
          else
            {
              /* Both objects end here and were the same: kept. */
              if (same && open && b != MPY_KIND_TAIL && c != MPY_KIND_TAIL)
                kept++;
              same = FALSE;
              open = TRUE;
              st[i] = b == MPY_KIND_FREE ? MPY_DIFF_ALLOCATED
                    : c == MPY_KIND_FREE ? MPY_DIFF_FREED
                    : MPY_DIFF_CHANGED;
            }
          self->counts[st[i]]++;
          i++;
        }
      if (same && open)
        kept++;
    }

  /* Object counts of each side come from their statistics (same object rule). */
  mpy_stats_compute (before, &stats_before);
  mpy_stats_compute (after, &stats_after);
  self->objects_kept = kept;
  self->objects_freed = stats_before.n_objects - kept;
  self->objects_new = stats_after.n_objects - kept;
  return self;
}

/**
 * mpy_diff_new_figures:
 * @before: the earlier snapshot
 * @after: the later snapshot
 *
 * Compares the figures of two snapshots that need not have maps or the same layout
 * (the notebook's `map_3 - map_1` of two mem_info() dumps): mpy_metric_get_delta() and
 * mpy_diff_get_figure_delta() give the deltas; there are no block states.
 *
 * Returns: (transfer full): a figure diff
 */
MpyDiff *
mpy_diff_new_figures (MpySnapshot *before,
                      MpySnapshot *after)
{
  MpyDiff *self;

  g_return_val_if_fail (before != NULL, NULL);
  g_return_val_if_fail (after != NULL, NULL);

  self = g_atomic_rc_box_new0 (MpyDiff);
  self->before = mpy_snapshot_ref (before);
  self->after = mpy_snapshot_ref (after);
  return self;
}

/**
 * mpy_diff_new_best:
 * @before: the earlier snapshot
 * @after: the later snapshot
 * @why: (optional): return location for the reason there is no block diff
 *
 * Returns: (transfer full): the block diff of the two, or when they cannot be compared
 *   block by block (no map, different layouts) their figure diff, with @why set to the
 *   reason as a clause (see mpy_diff_check_compatible()).
 */
MpyDiff *
mpy_diff_new_best (MpySnapshot  *before,
                   MpySnapshot  *after,
                   GError      **why)
{
  MpyDiff *diff;

  g_return_val_if_fail (why == NULL || *why == NULL, NULL);

  if (!mpy_diff_check_compatible (before, after, why))
    return mpy_diff_new_figures (before, after);
  diff = mpy_diff_new (before, after, why);
  return diff != NULL ? diff : mpy_diff_new_figures (before, after);
}

/**
 * mpy_diff_has_blocks:
 * @self: a diff
 *
 * Returns: %TRUE for a block diff, %FALSE for a figure diff (mpy_diff_new_figures()).
 */
gboolean
mpy_diff_has_blocks (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->has_blocks;
}

MpyDiff *
mpy_diff_ref (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
mpy_diff_unref (MpyDiff *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) diff_clear);
}

MpySnapshot *
mpy_diff_get_before (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->before;
}

MpySnapshot *
mpy_diff_get_after (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->after;
}

/**
 * mpy_diff_get_states:
 * @self: a diff
 *
 * Returns: (transfer none): one #MpyDiffState byte per block of the after snapshot.
 */
const guint8 *
mpy_diff_get_states (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->states;
}

gsize
mpy_diff_get_n_blocks (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_blocks;
}

/**
 * mpy_diff_count_blocks:
 * @self: a diff
 * @state: a block state
 *
 * Returns: how many blocks are in @state.
 */
gsize
mpy_diff_count_blocks (MpyDiff      *self,
                       MpyDiffState  state)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (state < MPY_N_DIFF_STATES, 0);

  return self->counts[state];
}

/**
 * mpy_diff_get_objects_new:
 * @self: a diff
 *
 * Returns: objects of the after snapshot with no object of the same start, size and kind before.
 */
gsize
mpy_diff_get_objects_new (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->objects_new;
}

/**
 * mpy_diff_get_objects_freed:
 * @self: a diff
 *
 * Returns: objects of the before snapshot with no object of the same start, size and kind after.
 */
gsize
mpy_diff_get_objects_freed (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->objects_freed;
}

/**
 * mpy_diff_get_objects_kept:
 * @self: a diff
 *
 * Returns: objects with the same start, size and kind in both snapshots.
 */
gsize
mpy_diff_get_objects_kept (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->objects_kept;
}

/**
 * mpy_diff_get_figure_delta:
 * @self: a diff
 * @figure: a header figure
 * @delta: (out): after − before
 *
 * Returns: %FALSE when either snapshot lacks @figure.
 */
gboolean
mpy_diff_get_figure_delta (MpyDiff   *self,
                           MpyFigure  figure,
                           gint64    *delta)
{
  guint64 b, a;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (figure < MPY_N_FIGURES, FALSE);

  if (!mpy_snapshot_get_figure (self->before, figure, &b)
      || !mpy_snapshot_get_figure (self->after, figure, &a))
    return FALSE;
  if (delta)
    *delta = (gint64) a - (gint64) b;
  return TRUE;
}
