/* mpy-diff.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_DIFF_ERROR (mpy_diff_error_quark ())

typedef enum {
  MPY_DIFF_ERROR_NO_MAP,         /* one side has no block map */
  MPY_DIFF_ERROR_INCOMPATIBLE,   /* different areas or block size */
} MpyDiffError;

GQuark mpy_diff_error_quark (void);

typedef enum {
  MPY_DIFF_FREE      = 0,   /* free before and after */
  MPY_DIFF_UNCHANGED = 1,   /* same object (same kind and same object start) */
  MPY_DIFF_ALLOCATED = 2,   /* free → used */
  MPY_DIFF_FREED     = 3,   /* used → free */
  MPY_DIFF_CHANGED   = 4,   /* used in both, by a different object */
  MPY_N_DIFF_STATES
} MpyDiffState;

const char *mpy_diff_state_get_name (MpyDiffState state); /* "free", "unchanged", "allocated", "freed", "changed" */

typedef struct _MpyDiff MpyDiff;

/* A boxed type (copy = ref) for properties and GValues. */
#define MPY_TYPE_DIFF (mpy_diff_get_type ())
GType         mpy_diff_get_type       (void) G_GNUC_CONST;

/* Whether the two can be compared block by block; else the reason, as a clause. */
gboolean      mpy_diff_check_compatible (MpySnapshot  *before,
                                         MpySnapshot  *after,
                                         GError      **error);
/* @after compared with @before block by block. Returns NULL with @error when either has no
 * map or the layouts differ. */
MpyDiff      *mpy_diff_new            (MpySnapshot  *before,
                                       MpySnapshot  *after,
                                       GError      **error);
/* A figure diff: the deltas of the figures only, for any two snapshots (dumps without maps,
 * a map and a figures-only dump, maps of different layouts). It has no block states
 * (mpy_diff_has_blocks() is FALSE, every block and object count is 0). */
MpyDiff      *mpy_diff_new_figures    (MpySnapshot  *before,
                                       MpySnapshot  *after);
/* The block diff when the two can be compared block by block, else their figure diff with
 * the reason the block diff was refused in @why (MPY_DIFF_ERROR). Never NULL. */
MpyDiff      *mpy_diff_new_best       (MpySnapshot  *before,
                                       MpySnapshot  *after,
                                       GError      **why);
/* FALSE for a figure diff: no block states to draw, only figure deltas. */
gboolean      mpy_diff_has_blocks     (MpyDiff *self);
MpyDiff      *mpy_diff_ref            (MpyDiff *self);
void          mpy_diff_unref          (MpyDiff *self);

MpySnapshot  *mpy_diff_get_before     (MpyDiff *self);
MpySnapshot  *mpy_diff_get_after      (MpyDiff *self);
const guint8 *mpy_diff_get_states     (MpyDiff *self);   /* n_blocks MpyDiffState bytes; NULL for a figure diff */
gsize         mpy_diff_get_n_blocks   (MpyDiff *self);
gsize         mpy_diff_count_blocks   (MpyDiff *self, MpyDiffState state);
gsize         mpy_diff_get_objects_new   (MpyDiff *self);
gsize         mpy_diff_get_objects_freed (MpyDiff *self);
gsize         mpy_diff_get_objects_kept  (MpyDiff *self);
/* after − before; FALSE when either side lacks the figure. */
gboolean      mpy_diff_get_figure_delta (MpyDiff *self, MpyFigure figure, gint64 *delta);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyDiff, mpy_diff_unref)

G_END_DECLS
