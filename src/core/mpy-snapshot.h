/* mpy-snapshot.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MpyKind:
 *
 * The kind of one heap block, stored as the character mem_info prints for it.
 * Old firmware's tail character `t` is normalised to %MPY_KIND_TAIL by the reader,
 * and the debug-only `Q`/`q` to %MPY_KIND_HEAD.
 */
typedef enum {
  MPY_KIND_FREE     = '.',
  MPY_KIND_TAIL     = '=',
  MPY_KIND_HEAD     = 'h',
  MPY_KIND_TUPLE    = 'T',
  MPY_KIND_LIST     = 'L',
  MPY_KIND_DICT     = 'D',
  MPY_KIND_STR      = 'S',
  MPY_KIND_ARRAY    = 'A',
  MPY_KIND_FLOAT    = 'F',
  MPY_KIND_BYTECODE = 'B',
  MPY_KIND_MODULE   = 'M',
  MPY_KIND_MARKED   = 'm',
} MpyKind;

/* The kinds in legend order; MPY_N_KINDS entries. */
#define MPY_N_KINDS 12
extern const char mpy_kinds[MPY_N_KINDS];

const char *mpy_kind_get_name  (char kind);   /* "free", "tail", "head", "tuple", … ; NULL if not a kind */
int         mpy_kind_get_index (char kind);   /* index into mpy_kinds, or -1 */
gboolean    mpy_kind_is_head   (char kind);   /* any head kind: h T L D S A F B M m */

/**
 * MpyFigure:
 *
 * The header figures of a dump. Every one is optional: a figure the dump did not print
 * is absent (see mpy_snapshot_get_figure()). mpy_metric_from_figure() gives the figure
 * table's entry (key, title, unit) for each.
 */
typedef enum {
  MPY_FIGURE_MEM_TOTAL,       /* mem: total=  */
  MPY_FIGURE_MEM_CURRENT,     /* mem: current= */
  MPY_FIGURE_MEM_PEAK,        /* mem: peak= */
  MPY_FIGURE_STACK_USED,      /* stack: U */
  MPY_FIGURE_STACK_LIMIT,     /* stack: … out of L */
  MPY_FIGURE_GC_TOTAL,        /* GC: total: (bytes) */
  MPY_FIGURE_GC_USED,
  MPY_FIGURE_GC_FREE,
  MPY_FIGURE_GC_MAX_NEW_SPLIT,
  MPY_FIGURE_ONE_BLOCKS,      /* No. of 1-blocks */
  MPY_FIGURE_TWO_BLOCKS,
  MPY_FIGURE_MAX_BLOCK,       /* max blk sz, in blocks */
  MPY_FIGURE_MAX_FREE,        /* max free sz, in blocks */
  MPY_N_FIGURES
} MpyFigure;

/* Their keys, titles and formatting are in the figure table (mpy-metric.h). */

typedef struct {
  guint64 base;          /* address printed after "GC memory layout; from" */
  gsize   first_block;   /* index of the area's first block in mpy_snapshot_get_kinds() */
  gsize   n_blocks;
} MpyArea;

typedef enum {
  MPY_SNAPSHOT_FLAG_NONE       = 0,
  MPY_SNAPSHOT_FLAG_SOFT_RESET = 1 << 0,  /* soft reset before the capture */
  MPY_SNAPSHOT_FLAG_GC         = 1 << 1,  /* gc.collect() before the capture */
  MPY_SNAPSHOT_FLAG_RETRIED    = 1 << 2,  /* first attempt was damaged, this is the retry */
  MPY_SNAPSHOT_FLAG_INTERRUPTED = 1 << 3, /* the board was running a program; it was interrupted */
} MpySnapshotFlags;

typedef struct _MpySnapshot MpySnapshot;

/* A boxed type (copy = ref), so that GObject properties, GValues, .ui files and
 * GtkExpressions can hold snapshots. */
#define MPY_TYPE_SNAPSHOT (mpy_snapshot_get_type ())
GType             mpy_snapshot_get_type         (void) G_GNUC_CONST;

/* Immutable once built, reference counted, safe to share between threads. */
MpySnapshot      *mpy_snapshot_ref              (MpySnapshot *self);
void              mpy_snapshot_unref            (MpySnapshot *self);

gboolean          mpy_snapshot_get_figure       (MpySnapshot *self,
                                                 MpyFigure    figure,
                                                 guint64     *value);
gboolean          mpy_snapshot_has_map          (MpySnapshot *self);  /* FALSE for mem_info() without argument */
guint             mpy_snapshot_get_bytes_per_block (MpySnapshot *self); /* 0 when unknown (no map) */
guint             mpy_snapshot_get_n_areas      (MpySnapshot *self);
const MpyArea    *mpy_snapshot_get_area         (MpySnapshot *self,
                                                 guint        index);
gsize             mpy_snapshot_get_n_blocks     (MpySnapshot *self);  /* over all areas */
/* The map: n_blocks bytes, MpyKind chars, areas back to back. A long session stores most
 * maps as deltas: ref_kinds() makes one for as long as the caller holds it (cached, bounded);
 * get_kinds() keeps it with the snapshot for the snapshot's life (tests, one snapshot). */
GBytes           *mpy_snapshot_ref_kinds        (MpySnapshot *self);
const guint8     *mpy_snapshot_get_kinds        (MpySnapshot *self);
guint64           mpy_snapshot_get_block_address (MpySnapshot *self,
                                                  gsize        block);
/* The object (head + tails) that covers @block: returns FALSE for a free block. find_object()
 * looks in @kinds, the snapshot's map from ref_kinds(); get_object() makes the map itself. */
gboolean          mpy_snapshot_find_object      (MpySnapshot  *self,
                                                 const guint8 *kinds,
                                                 gsize         block,
                                                 gsize        *start,
                                                 gsize        *n_blocks);
gboolean          mpy_snapshot_get_object       (MpySnapshot *self,
                                                 gsize        block,
                                                 gsize       *start,
                                                 gsize       *n_blocks);

/* Verbatim dump text; as with the map, ref_raw_text() for a while, get_raw_text() for life. */
GBytes           *mpy_snapshot_ref_raw_text     (MpySnapshot *self);
const char       *mpy_snapshot_get_raw_text     (MpySnapshot *self);
gsize             mpy_snapshot_get_raw_length   (MpySnapshot *self);

gboolean          mpy_snapshot_is_damaged       (MpySnapshot *self);
const char       *mpy_snapshot_get_damage_reason (MpySnapshot *self); /* NULL when consistent */

/**
 * MpyBlockRange:
 * @first_block: index into mpy_snapshot_get_kinds()
 * @n_blocks: length of the range
 *
 * A run of blocks whose lines were not received. The reader fills them with
 * free blocks so that every later block keeps its true address, and names
 * them in the damage reason.
 */
typedef struct {
  gsize first_block;
  gsize n_blocks;
} MpyBlockRange;

/* The ranges of lost lines, in block order; NULL with *n_ranges = 0 when none. */
const MpyBlockRange *mpy_snapshot_get_missing_ranges (MpySnapshot *self,
                                                      guint       *n_ranges);

/* Metadata; all may be NULL/0. */
GDateTime        *mpy_snapshot_get_time         (MpySnapshot *self);
const char       *mpy_snapshot_get_label        (MpySnapshot *self);
const char       *mpy_snapshot_get_port         (MpySnapshot *self);
const char       *mpy_snapshot_get_banner       (MpySnapshot *self);
MpySnapshotFlags  mpy_snapshot_get_flags        (MpySnapshot *self);

/* The board's own clock for this dump: a named log's `time:` line, or the memory profiler's
 * `@@@` ticks after its clock line (mpy-named-log.c). NULL when the dump did not say. It is
 * not mpy_snapshot_get_time(), the time the dump was captured or read. */
GDateTime        *mpy_snapshot_get_board_time   (MpySnapshot *self);
/* Console context: what the program printed between the previous dump and this one (the
 * section markers left out), as valid UTF-8; NULL when it printed nothing. */
const char       *mpy_snapshot_get_console      (MpySnapshot *self);

/* Snapshots are immutable: these return a new snapshot sharing the block map and raw text
 * with @self, with one piece of metadata replaced (NULL clears it). The board time and the
 * console context belong to the dump as printed: with_label() and with_metadata() keep them. */
MpySnapshot      *mpy_snapshot_with_label       (MpySnapshot *self, const char *label);
MpySnapshot      *mpy_snapshot_with_metadata    (MpySnapshot      *self,
                                                 GDateTime        *time,
                                                 const char       *label,
                                                 const char       *port,
                                                 const char       *banner,
                                                 MpySnapshotFlags  flags);
MpySnapshot      *mpy_snapshot_with_board_time  (MpySnapshot *self, GDateTime *board_time);
MpySnapshot      *mpy_snapshot_with_console     (MpySnapshot *self, const char *console);
/* micropython.qstr_info() (n_qstr, n_str_data_bytes) and micropython.stack_use() captured
 * with the dump (`capture --qstr`); each optional. */
MpySnapshot      *mpy_snapshot_with_qstr_info   (MpySnapshot *self,
                                                 gboolean     have_qstr,
                                                 guint64      qstr_count,
                                                 guint64      qstr_bytes,
                                                 gboolean     have_stack_use,
                                                 guint64      stack_use);
gboolean          mpy_snapshot_get_qstr_info    (MpySnapshot *self,
                                                 guint64     *qstr_count,
                                                 guint64     *qstr_bytes);
gboolean          mpy_snapshot_get_stack_use    (MpySnapshot *self,
                                                 guint64     *stack_use);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpySnapshot, mpy_snapshot_unref)

G_END_DECLS
