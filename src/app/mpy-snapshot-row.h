/* mpy-snapshot-row.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-snapshot-item.h"

G_BEGIN_DECLS

#define MPY_TYPE_SNAPSHOT_ROW (mpy_snapshot_row_get_type ())
G_DECLARE_FINAL_TYPE (MpySnapshotRow, mpy_snapshot_row, MPY, SNAPSHOT_ROW, GtkWidget)

/* A row of the snapshot list: label (renamed inline), time, used/free, damaged marker. */
GtkWidget       *mpy_snapshot_row_new           (void);
MpySnapshotItem *mpy_snapshot_row_get_item      (MpySnapshotRow  *self);
void             mpy_snapshot_row_set_item      (MpySnapshotRow  *self,
                                                 MpySnapshotItem *item);
void             mpy_snapshot_row_start_editing (MpySnapshotRow  *self);
gboolean         mpy_snapshot_row_get_editing   (MpySnapshotRow  *self);
/* Ends inline editing; @commit TRUE renames the item to the entry's text. */
void             mpy_snapshot_row_stop_editing  (MpySnapshotRow  *self,
                                                 gboolean         commit);

G_END_DECLS
