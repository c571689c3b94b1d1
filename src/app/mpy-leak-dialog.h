/* mpy-leak-dialog.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "mpy-board.h"
#include "mpy-leak.h"

G_BEGIN_DECLS

#define MPY_TYPE_LEAK_DIALOG (mpy_leak_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MpyLeakDialog, mpy_leak_dialog, MPY, LEAK_DIALOG, GtkWindow)

/* Leak check: runs SETUP once, then CODE N times on @board, each followed by gc.collect()
 * and a capture (the board does the sequencing), and shows the verdict, the bytes retained
 * per run and the survivors. Signal "finished" when a check ends (the report, or an error). */
GtkWidget           *mpy_leak_dialog_new        (GtkWindow     *parent,
                                                 MpyBoard      *board);
void                 mpy_leak_dialog_set_code   (MpyLeakDialog *self,
                                                 const char    *setup,
                                                 const char    *code,
                                                 guint          runs);
/* Starts the check (what the Check button does). */
void                 mpy_leak_dialog_start      (MpyLeakDialog *self);
/* The last report (NULL before one, or after a failed check) and the result text shown. */
const MpyLeakReport *mpy_leak_dialog_get_report (MpyLeakDialog *self);
const char          *mpy_leak_dialog_get_result_text (MpyLeakDialog *self);
/* The snapshots of the last check: the baseline, then one per run. */
GPtrArray           *mpy_leak_dialog_get_snapshots (MpyLeakDialog *self);

G_END_DECLS
