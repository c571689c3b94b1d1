/* mpy-palette.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "mpy-diff.h"
#include "mpy-layout.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* Colours as 0xRRGGBB, from the one palette table (mpy-palette.c): kinds and diff states,
 * light and dark. */
guint32  mpy_palette_get_kind_color  (char kind, gboolean dark);
guint32  mpy_palette_get_diff_color  (int /* MpyDiffState */ state, gboolean dark);
/* Freed blocks of a gc pair (before/after gc.collect()): the garbage gc collected. */
guint32  mpy_palette_get_garbage_color (gboolean dark);
/* The colour a diff paints @state in: freed blocks of a gc pair are garbage. */
guint32  mpy_palette_get_diff_color_for (MpyDiff *diff, int /* MpyDiffState */ state, gboolean dark);
guint32  mpy_palette_get_background  (gboolean dark);
guint32  mpy_palette_get_foreground  (gboolean dark);   /* text and outlines */
guint32  mpy_palette_get_highlight   (gboolean dark);   /* the canvas's outline of the largest free run */
/* Rainbow's second shade of @color (every other object): darker for light colours,
 * lighter for dark ones. */
guint32  mpy_palette_get_alternate   (guint32 color);

/**
 * MpyLegendEntry:
 * @color: the swatch, as the map paints it (the background for free blocks when show-free
 *   is off)
 * @name: the translated name of the kind or diff state ("list", "allocated", …)
 * @blocks: how many blocks of the snapshot (or the diff) have it
 *
 * One entry of the legend. The PNG's legend and the canvas's legend widget both show
 * exactly the entries of mpy_palette_get_legend().
 */
typedef struct {
  guint32     color;
  const char *name;
  gsize       blocks;
} MpyLegendEntry;

#define MPY_LEGEND_MAX_ENTRIES MPY_N_KINDS

/* The legend of a snapshot (or, with @diff, of the diff's states) in the palette table's
 * order; in rainbow mode tails take their head's colour and have no entry. Returns the
 * number of entries written to @entries. */
guint    mpy_palette_get_legend      (MpySnapshot            *snapshot,
                                      MpyDiff                *diff,
                                      const MpyRenderOptions *options,
                                      MpyLegendEntry          entries[MPY_LEGEND_MAX_ENTRIES]);
/* "list: 65": the entry's text, the same in the PNG and on the canvas. */
char    *mpy_legend_entry_get_text   (const MpyLegendEntry *entry);

G_END_DECLS
