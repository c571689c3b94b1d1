/* mpy-network-dialog.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-network-dialog.h"
#include "mpy-transport.h"

#ifdef HAVE_LIBSECRET
# include <libsecret/secret.h>
#endif

struct _MpyNetworkDialog
{
  GtkDialog  parent_instance;

  GtkEntry  *address_entry;
  GtkWidget *password_label;
  GtkWidget *password_entry;
  GtkWidget *remember_check;
  GtkLabel  *problem_label;
  GtkLabel  *notice_label;   /* why it is asked again */
};

G_DEFINE_FINAL_TYPE (MpyNetworkDialog, mpy_network_dialog, GTK_TYPE_DIALOG)

static void
update (MpyNetworkDialog *self)
{
  const char *address = mpy_network_dialog_get_address (self);
  const char *password = mpy_network_dialog_get_password (self);
  g_autoptr(GError) error = NULL;
  MpyAddressKind kind = MPY_ADDRESS_DEVICE;
  gboolean ok = *address != '\0' && mpy_address_parse (address, &kind, NULL, NULL, &error);
  gboolean webrepl = ok && kind == MPY_ADDRESS_WEBREPL;

  gtk_widget_set_visible (self->password_label, webrepl);
  gtk_widget_set_visible (self->password_entry, webrepl);
  /* without libsecret there is no keyring to remember it in */
  gtk_widget_set_visible (self->remember_check, webrepl && mpy_network_keyring_available ());
  if (ok && kind == MPY_ADDRESS_DEVICE)
    {
      ok = FALSE;
      gtk_label_set_text (self->problem_label,
                          _("Give a network address: socket://HOST:PORT, rfc2217://HOST:PORT or "
                            "ws://HOST[:PORT]. Serial ports are in the list."));
    }
  else
    gtk_label_set_text (self->problem_label, error != NULL && *address != '\0' ? error->message : "");
  if (webrepl && *password == '\0')
    ok = FALSE;
  gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_ACCEPT, ok);
}

static void
mpy_network_dialog_class_init (MpyNetworkDialogClass *klass)
{
}

static GtkWidget *
caption (const char *text)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  return label;
}

static void
mpy_network_dialog_init (MpyNetworkDialog *self)
{
  GtkWidget *area = gtk_dialog_get_content_area (GTK_DIALOG (self));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *address_label = caption (_("_Address"));
  GtkWidget *hint;

  gtk_window_set_title (GTK_WINDOW (self), _("Connect to a Network Board"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 420, -1);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  self->address_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->address_entry, "ws://192.168.4.1");
  gtk_entry_set_activates_default (self->address_entry, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (address_label), GTK_WIDGET (self->address_entry));
  hint = gtk_label_new (_("socket://HOST:PORT (raw TCP), rfc2217://HOST:PORT (a serial server) "
                          "or ws://HOST[:PORT] (WebREPL, port 8266)"));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");

  self->password_label = caption (_("WebREPL _password"));
  self->password_entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->password_entry), TRUE);
  g_object_set (self->password_entry, "activates-default", TRUE, NULL);
  gtk_label_set_mnemonic_widget (GTK_LABEL (self->password_label), self->password_entry);
  gtk_widget_set_tooltip_text (self->password_entry,
                               _("Kept only while MpyMemMap runs unless you ask to remember it"));

  self->remember_check = gtk_check_button_new_with_mnemonic (_("_Remember password in the keyring"));
  gtk_widget_set_tooltip_text (self->remember_check,
                               _("Kept in the keyring once the board has accepted it; a refused "
                                 "password is forgotten again"));

  self->notice_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->notice_label, TRUE);
  gtk_label_set_xalign (self->notice_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->notice_label), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), FALSE);

  self->problem_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->problem_label, TRUE);
  gtk_label_set_xalign (self->problem_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->notice_label));
  gtk_box_append (GTK_BOX (box), address_label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->address_entry));
  gtk_box_append (GTK_BOX (box), hint);
  gtk_box_append (GTK_BOX (box), self->password_label);
  gtk_box_append (GTK_BOX (box), self->password_entry);
  gtk_box_append (GTK_BOX (box), self->remember_check);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->problem_label));
  gtk_box_append (GTK_BOX (area), box);

  gtk_dialog_add_button (GTK_DIALOG (self), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (self), _("C_onnect"), GTK_RESPONSE_ACCEPT);
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_ACCEPT);

  g_signal_connect_swapped (self->address_entry, "changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->password_entry, "changed", G_CALLBACK (update), self);
  update (self);
}

GtkWidget *
mpy_network_dialog_new (GtkWindow  *parent,
                        const char *address)
{
  MpyNetworkDialog *self = g_object_new (MPY_TYPE_NETWORK_DIALOG, "use-header-bar", FALSE, NULL);

  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  mpy_network_dialog_set_address (self, address);
  /* An address given already: the password is what is missing. */
  if (address != NULL && *address != '\0')
    gtk_widget_grab_focus (self->password_entry);
  return GTK_WIDGET (self);
}

const char *
mpy_network_dialog_get_address (MpyNetworkDialog *self)
{
  g_return_val_if_fail (MPY_IS_NETWORK_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->address_entry));
}

void
mpy_network_dialog_set_address (MpyNetworkDialog *self,
                                const char       *address)
{
  g_return_if_fail (MPY_IS_NETWORK_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), address != NULL ? address : "");
}

const char *
mpy_network_dialog_get_password (MpyNetworkDialog *self)
{
  g_return_val_if_fail (MPY_IS_NETWORK_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
}

void
mpy_network_dialog_set_password (MpyNetworkDialog *self,
                                 const char       *password)
{
  g_return_if_fail (MPY_IS_NETWORK_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), password != NULL ? password : "");
}

/**
 * mpy_network_dialog_get_remember_password:
 * @self: a #MpyNetworkDialog
 *
 * Returns: whether the user asked to remember the WebREPL password in the keyring (off by
 *   default; always %FALSE without libsecret or for an address without a password)
 */
gboolean
mpy_network_dialog_get_remember_password (MpyNetworkDialog *self)
{
  g_return_val_if_fail (MPY_IS_NETWORK_DIALOG (self), FALSE);
  return gtk_widget_get_visible (self->remember_check)
         && gtk_check_button_get_active (GTK_CHECK_BUTTON (self->remember_check));
}

/**
 * mpy_network_dialog_set_notice:
 * @self: a #MpyNetworkDialog
 * @notice: (nullable): why the dialog asks (again), e.g. the board refused the password
 */
void
mpy_network_dialog_set_notice (MpyNetworkDialog *self,
                               const char       *notice)
{
  g_return_if_fail (MPY_IS_NETWORK_DIALOG (self));
  gtk_label_set_text (self->notice_label, notice != NULL ? notice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), notice != NULL && *notice != '\0');
}

/**
 * mpy_network_dialog_get_notice:
 * @self: a #MpyNetworkDialog
 *
 * Returns: (nullable): the notice shown over the fields, or %NULL
 */
const char *
mpy_network_dialog_get_notice (MpyNetworkDialog *self)
{
  g_return_val_if_fail (MPY_IS_NETWORK_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->notice_label))
         ? gtk_label_get_text (self->notice_label) : NULL;
}

/* ---- the keyring: WebREPL passwords by address (Secret Service, asynchronous only) ---- */

#ifdef HAVE_LIBSECRET
static const SecretSchema *
webrepl_schema (void)
{
  static const SecretSchema schema = {
    .name = "com.example.MpyMemMap.WebREPL",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { "address", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* no keyring (no Secret Service on the bus) is not an error the user must see */
static void
keyring_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_debug ("keyring: not stored: %s", error != NULL ? error->message : "");
}

static void
keyring_cleared_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_debug ("keyring: not cleared: %s", error->message);
}

static void
keyring_lookup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_strdup (password), g_free);
  secret_password_free (password);
}
#endif

/**
 * mpy_network_keyring_available:
 *
 * Returns: whether MpyMemMap was built with libsecret (a keyring can remember passwords)
 */
gboolean
mpy_network_keyring_available (void)
{
#ifdef HAVE_LIBSECRET
  return TRUE;
#else
  return FALSE;
#endif
}

/**
 * mpy_network_keyring_store:
 * @address: a `ws://` address
 * @password: its WebREPL password
 *
 * Remembers @password for @address in the default keyring, in the background.
 */
void
mpy_network_keyring_store (const char *address,
                           const char *password)
{
  g_return_if_fail (address != NULL && password != NULL);
#ifdef HAVE_LIBSECRET
  {
    g_autofree char *label = g_strdup_printf (_("WebREPL password for %s"), address);

    secret_password_store (webrepl_schema (), SECRET_COLLECTION_DEFAULT, label, password, NULL,
                           keyring_stored_cb, NULL, "address", address, NULL);
  }
#endif
}

/**
 * mpy_network_keyring_clear:
 * @address: a `ws://` address
 *
 * Forgets the remembered password of @address (one the board refused), in the background.
 */
void
mpy_network_keyring_clear (const char *address)
{
  g_return_if_fail (address != NULL);
#ifdef HAVE_LIBSECRET
  secret_password_clear (webrepl_schema (), NULL, keyring_cleared_cb, NULL,
                         "address", address, NULL);
#endif
}

/**
 * mpy_network_keyring_lookup_async:
 * @address: a `ws://` address
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: for @callback
 *
 * Looks up the remembered password of @address without blocking.
 */
void
mpy_network_keyring_lookup_async (const char          *address,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (address != NULL);
  g_task_set_source_tag (task, mpy_network_keyring_lookup_async);
#ifdef HAVE_LIBSECRET
  secret_password_lookup (webrepl_schema (), cancellable, keyring_lookup_cb,
                          g_steal_pointer (&task), "address", address, NULL);
#else
  g_task_return_pointer (task, NULL, NULL);
#endif
}

/**
 * mpy_network_keyring_lookup_finish:
 * @result: the #GAsyncResult
 * @error: return location for an error (no keyring)
 *
 * Returns: (transfer full) (nullable): the remembered password, or %NULL if there is none
 */
char *
mpy_network_keyring_lookup_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
