/* mpy-heap-view-describe.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hover text of a block: address, kind, object, diff state, free run.
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mpy-heap-view-private.h"
#include "mpy-leak.h"
#include "mpy-theme.h"

static char *
number (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static char *
address (guint64 value)
{
  return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", value);
}

/* "3 blocks, 48 bytes" */
static char *
format_size (gsize n,
             guint bytes_per_block)
{
  g_autofree char *n_text = number (n);
  g_autofree char *bytes_text = number ((guint64) n * bytes_per_block);
  guint64 n_bytes = (guint64) n * bytes_per_block;
  g_autofree char *blocks = NULL;
  g_autofree char *bytes = NULL;

  blocks = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s block", "%s blocks", n), n_text);
  bytes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s byte", "%s bytes",
                                        (gulong) MIN (n_bytes, G_MAXULONG)),
                           bytes_text);

  /* Translators: a size in blocks, then in bytes */
  return g_strdup_printf (_("%s, %s"), blocks, bytes);
}

static char *
format_object (MpySnapshot *snapshot,
               gsize        block)
{
  g_autoptr(GBytes) map = mpy_snapshot_ref_kinds (snapshot);
  const guint8 *kinds = g_bytes_get_data (map, NULL);
  gsize start, n;
  const char *name;
  g_autofree char *start_text = NULL;
  g_autofree char *start_address = NULL;
  g_autofree char *size = NULL;

  if (!mpy_snapshot_find_object (snapshot, kinds, block, &start, &n))
    return NULL;
  name = mpy_kind_get_name (kinds[start]);
  start_text = number (start);
  start_address = address (mpy_snapshot_get_block_address (snapshot, start));
  size = format_size (n, mpy_snapshot_get_bytes_per_block (snapshot));
  /* Translators: kind of object, its first block, that block's address, its size */
  /* The kind as the legend names it (translated, marked in mpy-palette.c). */
  return g_strdup_printf (_("%s object at block %s (%s), %s"),
                          name ? _(name) : "?", start_text, start_address, size);
}

/* The maximal free run around a free @block, within its area. */
static void
free_run_around (MpySnapshot  *snapshot,
                 const guint8 *kinds,
                 gsize         block,
                 gsize        *start,
                 gsize        *n)
{
  gsize lo = 0, hi = mpy_snapshot_get_n_blocks (snapshot);
  gsize a = block, b = block + 1;

  for (guint i = 0; i < mpy_snapshot_get_n_areas (snapshot); i++)
    {
      const MpyArea *area = mpy_snapshot_get_area (snapshot, i);

      if (block >= area->first_block && block < area->first_block + area->n_blocks)
        {
          lo = area->first_block;
          hi = area->first_block + area->n_blocks;
          break;
        }
    }
  while (a > lo && kinds[a - 1] == MPY_KIND_FREE)
    a--;
  while (b < hi && kinds[b] == MPY_KIND_FREE)
    b++;
  *start = a;
  *n = b - a;
}

/**
 * mpy_heap_view_describe_block:
 * @block: a block index
 *
 * Returns: (transfer full): the hover tooltip text: block index and address, kind, the object's
 *   start and size in blocks and bytes, and in diff mode the block's change.
 */
char *
mpy_heap_view_describe_block (MpyHeapView *self,
                              gsize        block)
{
  MpySnapshot *snapshot;
  g_autoptr(GBytes) map = NULL;
  const guint8 *kinds;
  g_autoptr(GString) text = NULL;
  g_autofree char *object = NULL;
  const char *kind_name;
  guint bpb;

  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), NULL);

  snapshot = _mpy_heap_view_layout_snapshot (self);
  if (snapshot == NULL || !mpy_snapshot_has_map (snapshot) ||
      block >= mpy_snapshot_get_n_blocks (snapshot))
    return NULL;

  map = mpy_snapshot_ref_kinds (snapshot);
  kinds = g_bytes_get_data (map, NULL);
  bpb = mpy_snapshot_get_bytes_per_block (snapshot);
  kind_name = mpy_kind_get_name (kinds[block]);
  text = g_string_new (NULL);
  {
    g_autofree char *block_text = number (block);
    g_autofree char *block_address = address (mpy_snapshot_get_block_address (snapshot, block));

    g_string_append_printf (text, _("Block %s at %s"), block_text, block_address);
  }
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Kind: %s"), kind_name ? _(kind_name) : "?");

  object = format_object (snapshot, block);
  if (object != NULL)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Object: %s"), object);
    }
  else
    {
      gsize start, n;
      g_autofree char *size = NULL;
      g_autofree char *start_text = NULL;

      free_run_around (snapshot, kinds, block, &start, &n);
      size = format_size (n, bpb);
      start_text = number (start);
      g_string_append_c (text, '\n');
      /* Translators: the size of a run of free blocks, then its first block */
      g_string_append_printf (text, _("Free run: %s from block %s"), size, start_text);
    }

  if (self->diff != NULL)
    {
      MpySnapshot *before = mpy_diff_get_before (self->diff);
      MpyDiffState state = mpy_diff_get_states (self->diff)[block];
      g_autofree char *was = NULL;

      g_string_append_c (text, '\n');
      switch (state)
        {
        case MPY_DIFF_FREE:
          g_string_append (text, _("Change: none (free before and after)"));
          break;
        case MPY_DIFF_UNCHANGED:
          g_string_append (text, _("Change: none (the same object before and after)"));
          break;
        case MPY_DIFF_ALLOCATED:
          g_string_append (text, _("Change: allocated (free before)"));
          break;
        case MPY_DIFF_FREED:
          /* A gc pair paints these in the garbage colour, and the legend calls them that. */
          if (mpy_pair_is_gc_pair (self->diff))
            g_string_append (text, _("Change: garbage (used before, reclaimed by gc.collect())"));
          else
            g_string_append (text, _("Change: freed (used before)"));
          break;
        case MPY_DIFF_CHANGED:
          g_string_append (text, _("Change: changed (another object was here before)"));
          break;
        case MPY_N_DIFF_STATES:
        default:
          g_string_append_printf (text, _("Change: %s"), mpy_diff_state_get_name (state));
          break;
        }
      if (state == MPY_DIFF_FREED || state == MPY_DIFF_CHANGED)
        was = format_object (before, block);
      if (was != NULL)
        {
          g_string_append_c (text, '\n');
          g_string_append_printf (text, _("Before: %s"), was);
        }
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
