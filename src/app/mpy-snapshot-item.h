/* mpy-snapshot-item.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "mpy-snapshot.h"

G_BEGIN_DECLS

#define MPY_TYPE_SNAPSHOT_ITEM (mpy_snapshot_item_get_type ())
G_DECLARE_FINAL_TYPE (MpySnapshotItem, mpy_snapshot_item, MPY, SNAPSHOT_ITEM, GObject)

/**
 * MpySnapshotItem:
 *
 * One row of the snapshot list: holds an immutable #MpySnapshot and replaces it with a
 * relabelled copy when the user renames it. Properties "label" (read-write), "time-text",
 * "summary", "damaged", "damage-reason" (read-only, notified when the snapshot changes).
 * The "rename-requested" signal asks the row showing the item to start inline editing.
 */
MpySnapshotItem *mpy_snapshot_item_new              (MpySnapshot     *snapshot);
MpySnapshot     *mpy_snapshot_item_get_snapshot     (MpySnapshotItem *self);
void             mpy_snapshot_item_set_snapshot     (MpySnapshotItem *self,
                                                     MpySnapshot     *snapshot);
const char      *mpy_snapshot_item_get_label        (MpySnapshotItem *self);
void             mpy_snapshot_item_set_label        (MpySnapshotItem *self,
                                                     const char      *label);
char            *mpy_snapshot_item_dup_time_text    (MpySnapshotItem *self);
char            *mpy_snapshot_item_dup_summary      (MpySnapshotItem *self);
gboolean         mpy_snapshot_item_get_damaged      (MpySnapshotItem *self);
const char      *mpy_snapshot_item_get_damage_reason (MpySnapshotItem *self);
void             mpy_snapshot_item_request_rename   (MpySnapshotItem *self);

G_END_DECLS
