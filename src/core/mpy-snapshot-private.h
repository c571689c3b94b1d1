/* mpy-snapshot-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-blob-private.h"
#include "mpy-kind-scan-private.h"
#include "mpy-snapshot.h"
#include "mpy-stats.h"

G_BEGIN_DECLS

/* Everything the reader computes once, shared (refcounted) by all snapshots
 * made from one dump with mpy_snapshot_with_label()/with_metadata(). The map and the raw
 * text are blobs: whole, or a delta against the previous dump's (mpy-blob-private.h). */
typedef struct {
  guint64   figures[MPY_N_FIGURES];
  guint32   figures_set;               /* bit per MpyFigure */
  gboolean  has_map;
  guint     bytes_per_block;
  guint     n_areas;
  MpyArea  *areas;
  MpyBlob  *kinds;                     /* n_blocks bytes, areas back to back */
  MpyBlob  *raw;                       /* raw text; a NUL follows its bytes */
  GBytes   *pinned_kinds;              /* (atomic) a delta's map, once get_kinds() made it */
  GBytes   *pinned_raw;                /* (atomic) the same for get_raw_text() */
  char     *damage_reason;             /* NULL when consistent */
  guint          n_missing;
  MpyBlockRange *missing;              /* lines not received, filled with free blocks */
  MpyStats  stats;                     /* computed once from the map */
} MpySnapshotData;

/* Takes ownership of every pointer in @data (which is a g_atomic_rc_box). */
MpySnapshot     *_mpy_snapshot_new_take   (MpySnapshotData *data);
MpySnapshotData *_mpy_snapshot_data_new   (void);
void             _mpy_snapshot_data_unref (MpySnapshotData *data);
const MpySnapshotData *_mpy_snapshot_get_data (MpySnapshot *self);
/* For a reader, before @self is handed out: @self's map and raw text become @previous's
 * when they are the same byte for byte, or deltas against @previous's when those are small
 * (the contents stay the same). */
void _mpy_snapshot_share_storage (MpySnapshot *self,
                                  MpySnapshot *previous);

/* Label, port and banner exactly as read, which may not be UTF-8 (serial noise, a session
 * file written by hand); mpy_snapshot_get_label() and friends return them as valid UTF-8
 * (U+FFFD for each invalid byte). The session writer saves these, so files round trip. */
const char *_mpy_snapshot_get_raw_label  (MpySnapshot *self);
const char *_mpy_snapshot_get_raw_port   (MpySnapshot *self);
const char *_mpy_snapshot_get_raw_banner (MpySnapshot *self);
const char *_mpy_snapshot_get_raw_console (MpySnapshot *self);

/* Fills @stats from a map (no snapshot needed); used by the reader for the verdict. */
void _mpy_stats_compute_map (const guint8  *kinds,
                             const MpyArea *areas,
                             guint          n_areas,
                             guint          bytes_per_block,
                             MpyStats      *stats);
/* The same by a given path (tests compare them; @path must be available). */
void _mpy_stats_compute_map_path (MpyScanPath    path,
                                  const guint8  *kinds,
                                  const MpyArea *areas,
                                  guint          n_areas,
                                  guint          bytes_per_block,
                                  MpyStats      *stats);

/* Redoes the free-run figures of @stats (holes, largest free run, fragmentation)
 * without the blocks of lost lines, which are free in the map only as filler:
 * they neither make nor lengthen a free run. */
void _mpy_stats_exclude_missing (const guint8        *kinds,
                                 const MpyArea       *areas,
                                 guint                n_areas,
                                 guint                bytes_per_block,
                                 const MpyBlockRange *missing,
                                 guint                n_missing,
                                 MpyStats            *stats);

/* Kind lookup: 0 for a character that is not a block character, else the
 * normalised kind ('t' → '=', 'Q'/'q' → 'h'). */
extern const guint8 _mpy_kind_from_char[256];

/* Flags per normalised kind character. */
#define MPY_KIND_CLASS_FREE 1
#define MPY_KIND_CLASS_TAIL 2
#define MPY_KIND_CLASS_HEAD 4
extern const guint8 _mpy_kind_class[256];

G_END_DECLS
