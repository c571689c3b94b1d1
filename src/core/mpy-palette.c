/* mpy-palette.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one palette table: every colour the map is painted with (kinds and diff states, light
 * and dark) and the legend built from it for the PNG and for the canvas's legend widget.
 */

#include <math.h>

#include <glib/gi18n-lib.h>

#include "mpy-leak.h"
#include "mpy-palette.h"
#include "mpy-stats.h"

/* Kinds: colours from Paul Tol's muted/light/bright schemes and Okabe–Ito, chosen so that every
 * pair stays apart (CIE ΔE ≥ 12) under simulated protanopia, deuteranopia and tritanopia
 * (Machado et al. 2009) as well as normal vision; greys for free space and tails.
 * Diff states: Okabe–Ito, following the seed notebook (unchanged blue, freed green,
 * allocated red/vermillion), with changed in yellow. tests/render checks these properties. */

typedef enum {
  ROLE_KIND,
  ROLE_DIFF,
  ROLE_GARBAGE,   /* freed blocks of a gc pair, instead of the freed entry */
} Role;

typedef struct {
  Role        role;
  int         id;       /* an MpyKind character or an MpyDiffState */
  const char *name;     /* N_(): the legend's name */
  guint32     light;
  guint32     dark;
} PaletteEntry;

/* In legend order: the kinds as mpy_kinds lists them, then the diff states. */
static const PaletteEntry palette[] = {
  { ROLE_KIND, MPY_KIND_FREE,      N_("free"),      0xe4e4e4, 0x3a3a3a },
  { ROLE_KIND, MPY_KIND_TAIL,      N_("tail"),      0xbbbbbb, 0x707070 },
  { ROLE_KIND, MPY_KIND_HEAD,      N_("head"),      0xe69f00, 0xe69f00 },  /* orange */
  { ROLE_KIND, MPY_KIND_TUPLE,     N_("tuple"),     0xeedd88, 0xeedd88 },  /* light yellow */
  { ROLE_KIND, MPY_KIND_LIST,      N_("list"),      0x33bb55, 0x33bb55 },  /* green */
  { ROLE_KIND, MPY_KIND_DICT,      N_("dict"),      0x117733, 0x1a8840 },  /* dark green */
  { ROLE_KIND, MPY_KIND_STR,       N_("str"),       0x332288, 0x5a48c0 },  /* indigo, lifted on dark */
  { ROLE_KIND, MPY_KIND_ARRAY,     N_("array"),     0x99ddff, 0x99ddff },  /* light cyan */
  { ROLE_KIND, MPY_KIND_FLOAT,     N_("float"),     0xaa3377, 0xcc79a7 },  /* purple / reddish purple */
  { ROLE_KIND, MPY_KIND_BYTECODE,  N_("bytecode"),  0x77aadd, 0x77aadd },  /* light blue */
  { ROLE_KIND, MPY_KIND_MODULE,    N_("module"),    0xd55e00, 0xd55e00 },  /* vermillion */
  { ROLE_KIND, MPY_KIND_MARKED,    N_("marked"),    0x8877dd, 0x8877dd },  /* violet */
  { ROLE_DIFF, MPY_DIFF_UNCHANGED, N_("unchanged"), 0x0072b2, 0x1f78c8 },  /* blue, lifted on dark */
  { ROLE_DIFF, MPY_DIFF_ALLOCATED, N_("allocated"), 0xd55e00, 0xe8702a },  /* vermillion */
  { ROLE_DIFF, MPY_DIFF_FREED,     N_("freed"),     0x009e73, 0x19c795 },  /* bluish green */
  { ROLE_DIFF, MPY_DIFF_CHANGED,   N_("changed"),   0xf0e442, 0xf0e442 },  /* yellow */
  { ROLE_DIFF, MPY_DIFF_FREE,      N_("free"),      0xe4e4e4, 0x3a3a3a },
  { ROLE_GARBAGE, MPY_DIFF_FREED,  N_("garbage"),   0xcc79a7, 0xe08fc0 },  /* reddish purple */
};

#define BACKGROUND_LIGHT 0xffffff
#define BACKGROUND_DARK  0x1e1e1e
#define FOREGROUND_LIGHT 0x1a1a1a
#define FOREGROUND_DARK  0xe6e6e6
#define HIGHLIGHT_LIGHT  0xe66100
#define HIGHLIGHT_DARK   0xffa348
/* Colour for blocks of a kind byte we do not know (never produced by the reader). */
#define UNKNOWN_COLOR    0xff00ff

static const PaletteEntry *
find_entry (Role role,
            int  id)
{
  for (guint i = 0; i < G_N_ELEMENTS (palette); i++)
    if (palette[i].role == role && palette[i].id == id)
      return &palette[i];
  return NULL;
}

/**
 * mpy_palette_get_kind_color:
 * @kind: a kind character (see #MpyKind)
 * @dark: %TRUE for the dark variant
 *
 * Returns: the colour of blocks of @kind as 0xRRGGBB.
 */
guint32
mpy_palette_get_kind_color (char     kind,
                            gboolean dark)
{
  const PaletteEntry *entry = find_entry (ROLE_KIND, kind == 't' ? MPY_KIND_TAIL : kind);

  if (entry == NULL)
    return UNKNOWN_COLOR;
  return dark ? entry->dark : entry->light;
}

/**
 * mpy_palette_get_diff_color:
 * @state: a #MpyDiffState
 * @dark: %TRUE for the dark variant
 *
 * Returns: the colour of blocks in @state as 0xRRGGBB.
 */
guint32
mpy_palette_get_diff_color (int      state,
                            gboolean dark)
{
  const PaletteEntry *entry = find_entry (ROLE_DIFF, state);

  if (entry == NULL)
    return UNKNOWN_COLOR;
  return dark ? entry->dark : entry->light;
}

/**
 * mpy_palette_get_garbage_color:
 * @dark: %TRUE for the dark variant
 *
 * Returns: the colour of the blocks a gc pair's gc.collect() freed (garbage), as 0xRRGGBB.
 */
guint32
mpy_palette_get_garbage_color (gboolean dark)
{
  const PaletteEntry *entry = find_entry (ROLE_GARBAGE, MPY_DIFF_FREED);

  return dark ? entry->dark : entry->light;
}

/**
 * mpy_palette_get_diff_color_for:
 * @diff: (nullable): the diff shown
 * @state: a #MpyDiffState
 * @dark: %TRUE for the dark variant
 *
 * Returns: the colour @diff paints blocks in @state with: a gc pair's freed blocks are
 *   garbage, everything else as mpy_palette_get_diff_color().
 */
guint32
mpy_palette_get_diff_color_for (MpyDiff  *diff,
                                int       state,
                                gboolean  dark)
{
  if (state == MPY_DIFF_FREED && diff != NULL && mpy_pair_is_gc_pair (diff))
    return mpy_palette_get_garbage_color (dark);
  return mpy_palette_get_diff_color (state, dark);
}

/**
 * mpy_palette_get_background:
 * @dark: %TRUE for the dark variant
 *
 * Returns: the background colour (also the colour of free blocks when show-free is off).
 */
guint32
mpy_palette_get_background (gboolean dark)
{
  return dark ? BACKGROUND_DARK : BACKGROUND_LIGHT;
}

/**
 * mpy_palette_get_foreground:
 * @dark: %TRUE for the dark variant
 *
 * Returns: the colour of text and object outlines.
 */
guint32
mpy_palette_get_foreground (gboolean dark)
{
  return dark ? FOREGROUND_DARK : FOREGROUND_LIGHT;
}

/**
 * mpy_palette_get_highlight:
 * @dark: %TRUE for the dark variant
 *
 * Returns: the colour of the canvas's outline around the largest free run.
 */
guint32
mpy_palette_get_highlight (gboolean dark)
{
  return dark ? HIGHLIGHT_DARK : HIGHLIGHT_LIGHT;
}

static guint32
mix (guint32 c,
     guint32 towards,
     double  amount)
{
  guint32 out = 0;

  for (int shift = 0; shift <= 16; shift += 8)
    {
      double a = (c >> shift) & 0xff;
      double b = (towards >> shift) & 0xff;
      guint32 v = (guint32) lround (a + (b - a) * amount);
      out |= MIN (v, 255u) << shift;
    }
  return out;
}

/**
 * mpy_palette_get_alternate:
 * @color: a colour as 0xRRGGBB
 *
 * Returns: the second shade used by rainbow mode for every other object: darker for
 *   light colours, lighter for dark ones, so neighbouring objects stay apart.
 */
guint32
mpy_palette_get_alternate (guint32 color)
{
  double r = ((color >> 16) & 0xff) / 255.0;
  double g = ((color >> 8) & 0xff) / 255.0;
  double b = (color & 0xff) / 255.0;
  double luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;

  if (luma > 0.45)
    return mix (color, 0x000000, 0.32);
  return mix (color, 0xffffff, 0.38);
}

/**
 * mpy_palette_get_legend:
 * @snapshot: (nullable): the snapshot shown (ignored when @diff is given)
 * @diff: (nullable): the diff shown
 * @options: (nullable): render options (dark, show-free, rainbow)
 * @entries: (out caller-allocates) (array fixed-size=12): the entries
 *
 * The legend of what the map shows: one entry per kind (per diff state with @diff), in the
 * palette table's order, with the colour the map paints it in and its block count (0 when
 * there is no snapshot). In rainbow mode a snapshot's tails have no entry: they take the
 * colour of their object's head.
 *
 * Returns: the number of entries.
 */
guint
mpy_palette_get_legend (MpySnapshot            *snapshot,
                        MpyDiff                *diff,
                        const MpyRenderOptions *options,
                        MpyLegendEntry          entries[MPY_LEGEND_MAX_ENTRIES])
{
  MpyRenderOptions defaults = MPY_RENDER_OPTIONS_INIT;
  Role role = diff != NULL ? ROLE_DIFF : ROLE_KIND;
  gboolean gc_pair = diff != NULL && mpy_pair_is_gc_pair (diff);
  MpyStats stats = { 0, };
  guint n = 0;

  g_return_val_if_fail (entries != NULL, 0);

  if (options == NULL)
    options = &defaults;
  if (diff == NULL && snapshot != NULL)
    mpy_stats_compute (snapshot, &stats);

  for (guint i = 0; i < G_N_ELEMENTS (palette) && n < MPY_LEGEND_MAX_ENTRIES; i++)
    {
      const PaletteEntry *p = &palette[i];
      gboolean is_free;

      if (p->role != role)
        continue;
      /* a gc pair's freed blocks are its garbage: that entry instead of "freed" */
      if (gc_pair && p->id == MPY_DIFF_FREED)
        p = find_entry (ROLE_GARBAGE, MPY_DIFF_FREED);
      if (role == ROLE_KIND && p->id == MPY_KIND_TAIL && options->rainbow)
        continue;
      is_free = role == ROLE_KIND ? p->id == MPY_KIND_FREE : p->id == MPY_DIFF_FREE;
      entries[n].color = is_free && !options->show_free ? mpy_palette_get_background (options->dark)
                                                        : options->dark ? p->dark : p->light;
      entries[n].name = _(p->name);
      if (role == ROLE_DIFF)
        entries[n].blocks = mpy_diff_count_blocks (diff, (MpyDiffState) p->id);
      else
        entries[n].blocks = stats.kind_blocks[mpy_kind_get_index ((char) p->id)];
      n++;
    }
  return n;
}

/**
 * mpy_legend_entry_get_text:
 * @entry: a legend entry
 *
 * Returns: (transfer full): the entry's text, "list: 65" (name and blocks).
 */
char *
mpy_legend_entry_get_text (const MpyLegendEntry *entry)
{
  g_autofree char *blocks = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  blocks = g_strdup_printf ("%" G_GSIZE_FORMAT, entry->blocks);
  /* Translators: a legend entry: the name of a kind of block and how many blocks have it */
  return g_strdup_printf (_("%s: %s"), entry->name, blocks);
}
