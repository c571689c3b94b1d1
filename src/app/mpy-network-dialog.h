/* mpy-network-dialog.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MPY_TYPE_NETWORK_DIALOG (mpy_network_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MpyNetworkDialog, mpy_network_dialog, MPY, NETWORK_DIALOG, GtkDialog)

/**
 * MpyNetworkDialog:
 *
 * "Connect to a network board": its address (socket://, rfc2217://, ws://) and, for a
 * WebREPL, its password. Connect (%GTK_RESPONSE_ACCEPT) is offered only for an address
 * that can be opened, with a password where one is needed. The password is not stored.
 */
GtkWidget  *mpy_network_dialog_new          (GtkWindow        *parent,
                                             const char       *address);
const char *mpy_network_dialog_get_address  (MpyNetworkDialog *self);
void        mpy_network_dialog_set_address  (MpyNetworkDialog *self,
                                             const char       *address);
const char *mpy_network_dialog_get_password (MpyNetworkDialog *self);
void        mpy_network_dialog_set_password (MpyNetworkDialog *self,
                                             const char       *password);

G_END_DECLS
