/* mpy-cost-dialog.h
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

#define MPY_TYPE_COST_DIALOG (mpy_cost_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MpyCostDialog, mpy_cost_dialog, MPY, COST_DIALOG, GtkWindow)

/* Import cost: on @board, micropython.qstr_info(), gc.collect() and a capture, `import
 * MODULE`, gc.collect() and a capture, qstr_info() again (the board does the sequencing);
 * shows the bytes kept by kind and the new qstrs. Signal "finished" when it ends. */
GtkWidget  *mpy_cost_dialog_new             (GtkWindow     *parent,
                                             MpyBoard      *board);
void        mpy_cost_dialog_set_module      (MpyCostDialog *self,
                                             const char    *module);
void        mpy_cost_dialog_start           (MpyCostDialog *self);
/* The last result: FALSE when there is none (not run, or the import failed: see the text). */
gboolean    mpy_cost_dialog_get_cost        (MpyCostDialog *self,
                                             gint64        *bytes,
                                             gint64         by_group[MPY_N_COST_GROUPS],
                                             gint64        *qstr_count,
                                             gint64        *qstr_bytes);
const char *mpy_cost_dialog_get_result_text (MpyCostDialog *self);

G_END_DECLS
