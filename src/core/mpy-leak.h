/* mpy-leak.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mpy-diff.h"
#include "mpy-snapshot.h"

G_BEGIN_DECLS

/* Garbage or live, for a block diff of a pair (a capture, gc.collect(), a capture): the
 * bytes of the first capture's objects that are gone in the second (freed, or their blocks
 * reused by another object: garbage), and of those still there (live). FALSE for a figure
 * diff (no blocks to compare). */
/* Whether @diff is such a pair: its "after" was captured right after gc.collect() and its
 * "before" was not (the blocks it freed are garbage). */
gboolean mpy_pair_is_gc_pair       (MpyDiff *diff);
gboolean mpy_pair_get_garbage_live (MpyDiff *diff,
                                    guint64 *garbage_bytes,
                                    guint64 *live_bytes);

/* One object of a map: its head block, kind and length. */
typedef struct {
  gsize   head_block;   /* index in mpy_snapshot_get_kinds() */
  guint64 address;
  char    kind;         /* MpyKind of its head */
  gsize   n_blocks;
  guint64 bytes;
} MpyLeakObject;

/* What a leak check found over N runs of the same code (each followed by gc.collect() and a
 * capture), against a baseline captured before the first run. */
typedef struct {
  guint    n_runs;
  gint64  *retained_bytes;        /* n_runs: used bytes after run i − used at the baseline */
  double   growth_bytes_per_run;  /* least-squares slope of retained_bytes over the runs */
  gboolean leaking;               /* growth above half a block per run, never falling */
  GArray  *survivors;             /* MpyLeakObject: new in a run after the first, alive to the end */
} MpyLeakReport;

/* @snapshots: the baseline then one snapshot per run (at least 2 in all), all with maps of
 * the same layout. Returns NULL with @error when they cannot be compared. */
MpyLeakReport *mpy_leak_analyze     (GPtrArray  *snapshots,
                                     GError    **error);
void           mpy_leak_report_free (MpyLeakReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyLeakReport, mpy_leak_report_free)

/* What an import costs: the groups its bytes are split into (by the kind of each object's
 * head; tails count with their head). */
typedef enum {
  MPY_COST_BYTECODE,
  MPY_COST_MODULE,
  MPY_COST_DICT,
  MPY_COST_STR,
  MPY_COST_TUPLE_LIST,
  MPY_COST_OTHER,
  MPY_N_COST_GROUPS
} MpyCostGroup;

/* "bytecode", "module", "dict", "str", "tuple_list", "other" (the keys of `cost --json`). */
const char *mpy_cost_group_get_key (MpyCostGroup group);
/* after − before per group; returns their sum (the bytes the import kept). Both need maps. */
gint64      mpy_cost_compute       (MpySnapshot *before,
                                    MpySnapshot *after,
                                    gint64       by_group[MPY_N_COST_GROUPS]);
/* n_qstr and n_str_data_bytes from micropython.qstr_info()'s output
 * ("qstr pool: n_pool=1, n_qstr=3, n_str_data_bytes=23, n_total_bytes=119"). */
gboolean    mpy_qstr_info_parse    (const char  *text,
                                    guint64     *n_qstr,
                                    guint64     *n_str_data_bytes);

/* The statement that prints micropython.qstr_info() and binds no name. */
#define MPY_QSTR_INFO_STMT "__import__('micropython').qstr_info()"

G_END_DECLS
