/* mpy-diff.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-diff.h"
#include "mpy-snapshot-private.h"

#include <string.h>

G_DEFINE_QUARK (mpy-diff-error-quark, mpy_diff_error)

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
};

static const char *state_names[MPY_N_DIFF_STATES] = {
  "free", "unchanged", "allocated", "freed", "changed",
};

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

static gboolean
check_compatible (MpySnapshot  *before,
                  MpySnapshot  *after,
                  GError      **error)
{
  guint n_areas;

  if (!mpy_snapshot_has_map (before) || !mpy_snapshot_has_map (after))
    {
      g_set_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_NO_MAP,
                   "the %s snapshot has no block map (it was captured with mem_info() "
                   "without an argument); capture with mem_info(1) to compare maps",
                   mpy_snapshot_has_map (before) ? "second" : "first");
      return FALSE;
    }
  if (mpy_snapshot_get_bytes_per_block (before) != mpy_snapshot_get_bytes_per_block (after))
    {
      g_set_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE,
                   "the snapshots cannot be compared: their blocks are %u and %u bytes "
                   "(different boards or firmware)",
                   mpy_snapshot_get_bytes_per_block (before),
                   mpy_snapshot_get_bytes_per_block (after));
      return FALSE;
    }
  n_areas = mpy_snapshot_get_n_areas (before);
  if (n_areas != mpy_snapshot_get_n_areas (after))
    {
      g_set_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE,
                   "the snapshots cannot be compared: one heap has %u areas, the other %u "
                   "(different boards, or the heap grew in between)",
                   n_areas, mpy_snapshot_get_n_areas (after));
      return FALSE;
    }
  for (guint a = 0; a < n_areas; a++)
    {
      const MpyArea *x = mpy_snapshot_get_area (before, a);
      const MpyArea *y = mpy_snapshot_get_area (after, a);

      if (x->n_blocks != y->n_blocks || x->base != y->base)
        {
          g_set_error (error, MPY_DIFF_ERROR, MPY_DIFF_ERROR_INCOMPATIBLE,
                       "the snapshots cannot be compared: heap area %u is %zu blocks from "
                       "0x%" G_GINT64_MODIFIER "x in one and %zu blocks from 0x%"
                       G_GINT64_MODIFIER "x in the other (different boards or heap sizes)",
                       a + 1, x->n_blocks, x->base, y->n_blocks, y->base);
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
  const guint8 *kb, *ka;
  guint8 *st;

  g_return_val_if_fail (before != NULL, NULL);
  g_return_val_if_fail (after != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_compatible (before, after, error))
    return NULL;

  self = g_atomic_rc_box_new0 (MpyDiff);
  self->before = mpy_snapshot_ref (before);
  self->after = mpy_snapshot_ref (after);
  self->n_blocks = mpy_snapshot_get_n_blocks (after);
  self->states = g_malloc (MAX (self->n_blocks, 1));
  kb = mpy_snapshot_get_kinds (before);
  ka = mpy_snapshot_get_kinds (after);
  st = self->states;

  for (guint a = 0; a < mpy_snapshot_get_n_areas (after); a++)
    {
      const MpyArea *area = mpy_snapshot_get_area (after, a);
      gsize i = area->first_block, end = i + area->n_blocks;
      /* The object open at the current block on each side (start index, or
       * G_MAXSIZE when the last block was free), and whether both sides'
       * open objects started at the same block with the same kind. */
      gsize sb = G_MAXSIZE, sa = G_MAXSIZE;
      gboolean same = FALSE;

      while (i < end)
        {
          guint8 b = kb[i], c = ka[i];

          /* Fast path: identical runs of free blocks, or of tails of the same object. */
          if (b == c && (b == MPY_KIND_FREE || (b == MPY_KIND_TAIL && same)))
            {
              gsize j = i + 1;
              MpyDiffState s = b == MPY_KIND_FREE ? MPY_DIFF_FREE : MPY_DIFF_UNCHANGED;

              while (j < end && kb[j] == b && ka[j] == b)
                j++;
              if (b == MPY_KIND_FREE)
                {
                  /* Open objects end here. */
                  if (sb != G_MAXSIZE && sa != G_MAXSIZE && same)
                    self->objects_kept++;
                  if (sb != G_MAXSIZE)
                    self->objects_freed++;
                  if (sa != G_MAXSIZE)
                    self->objects_new++;
                  sb = sa = G_MAXSIZE;
                  same = FALSE;
                }
              memset (st + i, s, j - i);
              self->counts[s] += j - i;
              i = j;
              continue;
            }

          {
            gboolean end_b = b != MPY_KIND_TAIL && sb != G_MAXSIZE;
            gboolean end_a = c != MPY_KIND_TAIL && sa != G_MAXSIZE;
            gboolean start_b = b != MPY_KIND_FREE && (b != MPY_KIND_TAIL || sb == G_MAXSIZE);
            gboolean start_a = c != MPY_KIND_FREE && (c != MPY_KIND_TAIL || sa == G_MAXSIZE);
            MpyDiffState s;

            /* Objects ending before block i: kept if both end together and matched. */
            if (end_b && end_a && same)
              self->objects_kept++;
            if (end_b)
              self->objects_freed++, sb = G_MAXSIZE;
            if (end_a)
              self->objects_new++, sa = G_MAXSIZE;
            if (end_b != end_a)
              same = FALSE;

            if (start_b)
              sb = i;
            if (start_a)
              sa = i;
            if (start_b || start_a)
              same = start_b && start_a && b == c;

            if (b == MPY_KIND_FREE)
              s = c == MPY_KIND_FREE ? MPY_DIFF_FREE : MPY_DIFF_ALLOCATED;
            else if (c == MPY_KIND_FREE)
              s = MPY_DIFF_FREED;
            else
              s = same ? MPY_DIFF_UNCHANGED : MPY_DIFF_CHANGED;
            st[i] = s;
            self->counts[s]++;
            i++;
          }
        }
      if (sb != G_MAXSIZE && sa != G_MAXSIZE && same)
        self->objects_kept++;
      if (sb != G_MAXSIZE)
        self->objects_freed++;
      if (sa != G_MAXSIZE)
        self->objects_new++;
    }

  /* Every kept object was also counted as freed (before) and new (after). */
  self->objects_freed -= self->objects_kept;
  self->objects_new -= self->objects_kept;
  return self;
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

gsize
mpy_diff_count_blocks (MpyDiff      *self,
                       MpyDiffState  state)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (state < MPY_N_DIFF_STATES, 0);

  return self->counts[state];
}

gsize
mpy_diff_get_objects_new (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->objects_new;
}

gsize
mpy_diff_get_objects_freed (MpyDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->objects_freed;
}

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
