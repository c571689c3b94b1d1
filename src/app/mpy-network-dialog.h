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
 * that can be opened, with a password where one is needed. The password is kept in the
 * keyring (libsecret) only if the user ticks "Remember password in the keyring".
 */
GtkWidget  *mpy_network_dialog_new          (GtkWindow        *parent,
                                             const char       *address);
const char *mpy_network_dialog_get_address  (MpyNetworkDialog *self);
void        mpy_network_dialog_set_address  (MpyNetworkDialog *self,
                                             const char       *address);
const char *mpy_network_dialog_get_password (MpyNetworkDialog *self);
void        mpy_network_dialog_set_password (MpyNetworkDialog *self,
                                             const char       *password);

gboolean    mpy_network_dialog_get_remember_password (MpyNetworkDialog *self);
/* Why the dialog is asked again (a refused password), over the fields; NULL for none. */
void        mpy_network_dialog_set_notice   (MpyNetworkDialog *self,
                                             const char       *notice);
const char *mpy_network_dialog_get_notice   (MpyNetworkDialog *self);

/* WebREPL passwords by address in the keyring; all in the background, never blocking. */
gboolean    mpy_network_keyring_available     (void);
void        mpy_network_keyring_store         (const char          *address,
                                               const char          *password);
void        mpy_network_keyring_clear         (const char          *address);
void        mpy_network_keyring_lookup_async  (const char          *address,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char       *mpy_network_keyring_lookup_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
