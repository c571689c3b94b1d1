/* mpy-device-sidebar-network.c — network boards in the device sidebar: the menu of recently
 * used boards beside the port entry, the "Connect to a Network Board" dialog, and asking for a
 * WebREPL password again when the board refuses it, and the keyring (libsecret) when asked
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-device-sidebar-private.h"

#ifdef HAVE_DEVICE
# include "mpy-network-dialog.h"
#endif

/* ---- network boards ---- */

/* The menu beside the port entry: recently used network boards, then the dialog. */
void
mpy_device_sidebar_rebuild_network_menu (MpyDeviceSidebar *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) recent = g_menu_new ();

  for (guint i = 0; self->recent_boards != NULL && self->recent_boards[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (self->recent_boards[i], NULL);

      g_menu_item_set_action_and_target (item, "sidebar.use-address", "s",
                                         self->recent_boards[i]);
      g_menu_append_item (recent, item);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (recent));
  g_menu_append (menu, _("Connect to a Network Board…"), "sidebar.connect-network");
  gtk_menu_button_set_menu_model (self->network_button, G_MENU_MODEL (menu));
}

void
mpy_device_sidebar_set_recent_network_boards (MpyDeviceSidebar   *self,
                                              const char * const *addresses)
{
  g_return_if_fail (MPY_IS_DEVICE_SIDEBAR (self));

  if (self->recent_boards != NULL && addresses != NULL
      && g_strv_equal ((const char * const *) self->recent_boards, addresses))
    return;
  g_strfreev (self->recent_boards);
  self->recent_boards = g_strdupv ((char **) addresses);
  mpy_device_sidebar_rebuild_network_menu (self);
  g_object_notify (G_OBJECT (self), "recent-network-boards");
}

const char * const *
mpy_device_sidebar_get_recent_network_boards (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), NULL);
  return (const char * const *) self->recent_boards;
}

#ifdef HAVE_DEVICE

/* A network board that answered goes to the front of the recent list. */
static void
remember_network_board (MpyDeviceSidebar *self,
                        const char       *address)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  guint n = 1;

  g_strv_builder_add (builder, address);
  for (guint i = 0; self->recent_boards != NULL && self->recent_boards[i] != NULL; i++)
    if (g_strcmp0 (self->recent_boards[i], address) != 0 && n++ < MAX_RECENT_NETWORK_BOARDS)
      g_strv_builder_add (builder, self->recent_boards[i]);
  list = g_strv_builder_end (builder);
  mpy_device_sidebar_set_recent_network_boards (self, (const char * const *) list);
}

static void
network_dialog_response_cb (MpyDeviceSidebar *self,
                            int               response,
                            MpyNetworkDialog *dialog)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      /* the address first: a new address forgets the old board's password */
      const char *address = mpy_network_dialog_get_address (dialog);

      mpy_device_sidebar_set_path (self, address);
      g_clear_pointer (&self->keyring_address, g_free);
      g_clear_pointer (&self->remember_address, g_free);
      g_clear_pointer (&self->remember_password, g_free);
      if (mpy_address_needs_password (address))
        {
          mpy_board_set_password (self->board, mpy_network_dialog_get_password (dialog));
          /* kept in the keyring only once the board has accepted it */
          if (mpy_network_dialog_get_remember_password (dialog))
            {
              self->remember_address = g_strdup (address);
              self->remember_password = g_strdup (mpy_network_dialog_get_password (dialog));
            }
        }
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/**
 * mpy_device_sidebar_connect_network:
 * @self: a #MpyDeviceSidebar
 * @address: (nullable): the address to offer, or %NULL
 *
 * Opens "Connect to a network board" (the WebREPL password is asked there).
 *
 * Returns: (transfer none): the dialog
 */
GtkWidget *
mpy_device_sidebar_connect_network (MpyDeviceSidebar *self,
                                    const char       *address)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = mpy_network_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              address);

  g_signal_connect_object (dialog, "response", G_CALLBACK (network_dialog_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* The dialog again for @address, saying why it asks. */
static void
ask_again (MpyDeviceSidebar *self,
           const char       *address,
           const char       *notice)
{
  GtkWidget *dialog = mpy_device_sidebar_connect_network (self, address);

  mpy_network_dialog_set_notice (MPY_NETWORK_DIALOG (dialog), notice);
}

void
mpy_device_sidebar_connect_network_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  MpyDeviceSidebar *self = MPY_DEVICE_SIDEBAR (widget);
  const char *path = mpy_device_sidebar_get_path (self);

  mpy_device_sidebar_connect_network (self, mpy_address_is_network (path) ? path : NULL);
}

typedef struct
{
  MpyDeviceSidebar *self;
  char             *address;
  gboolean          ask;      /* none remembered: open the dialog */
} KeyringLookup;

static void
keyring_lookup_free (KeyringLookup *lookup)
{
  g_clear_weak_pointer (&lookup->self);
  g_free (lookup->address);
  g_free (lookup);
}

static void
keyring_lookup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KeyringLookup *lookup = user_data;
  MpyDeviceSidebar *self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = mpy_network_keyring_lookup_finish (result, &error);

  if (self == NULL || self->board == NULL)
    ;  /* the sidebar went away meanwhile */
  else if (!lookup->ask
           && (g_strcmp0 (mpy_board_get_address (self->board), lookup->address) != 0
               || mpy_board_has_password (self->board)))
    ;  /* meanwhile another board was picked, or a password typed: that one counts */
  else if (password != NULL && *password != '\0')
    {
      mpy_device_sidebar_set_path (self, lookup->address);
      mpy_board_set_password (self->board, password);
      g_free (self->keyring_address);
      self->keyring_address = g_strdup (lookup->address);
    }
  else if (lookup->ask && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    ask_again (self, lookup->address, _("This board asks for its WebREPL password."));
  keyring_lookup_free (lookup);
}

/* A WebREPL address: its password from the keyring, looked up in the background; with @ask,
 * the dialog asks for it when there is none (or no keyring). */
static void
connect_with_keyring (MpyDeviceSidebar *self,
                      const char       *address,
                      gboolean          ask)
{
  KeyringLookup *lookup = g_new0 (KeyringLookup, 1);

  g_set_weak_pointer (&lookup->self, self);
  lookup->address = g_strdup (address);
  lookup->ask = ask;
  mpy_network_keyring_lookup_async (address, NULL, keyring_lookup_cb, lookup);
}

/**
 * mpy_device_sidebar_path_network_cb:
 *
 * The path became @address (typed, or the last session's board): a WebREPL's remembered
 * password is fetched at once, so that the first capture needs no dialog.
 */
void
mpy_device_sidebar_path_network_cb (MpyDeviceSidebar *self,
                                    const char       *address)
{
  if (self->board != NULL && mpy_address_needs_password (address)
      && !mpy_board_has_password (self->board) && mpy_network_keyring_available ())
    connect_with_keyring (self, address, FALSE);
}

void
mpy_device_sidebar_use_address_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  MpyDeviceSidebar *self = MPY_DEVICE_SIDEBAR (widget);
  const char *address = g_variant_get_string (parameter, NULL);

  /* a WebREPL's password: from the keyring if the user had it remembered, else asked */
  if (mpy_address_needs_password (address))
    connect_with_keyring (self, address, TRUE);
  else
    mpy_device_sidebar_set_path (self, address);
}

void
mpy_device_sidebar_board_state_network_cb (MpyDeviceSidebar *self,
                                           GParamSpec       *pspec,
                                           MpyBoard         *board)
{
  const char *address = mpy_board_get_address (board);
  MpyBoardState state = mpy_board_get_state (board);

  if (!mpy_address_is_network (address))
    return;
  if (state == MPY_BOARD_READY)
    {
      remember_network_board (self, address);
      if (g_strcmp0 (self->remember_address, address) == 0)
        mpy_network_keyring_store (address, self->remember_password);
      g_clear_pointer (&self->remember_address, g_free);
      g_clear_pointer (&self->remember_password, g_free);
    }
  else if (state == MPY_BOARD_FAILED
           && g_error_matches (mpy_board_get_error (board), MPY_DEVICE_ERROR,
                               MPY_DEVICE_ERROR_ACCESS_DENIED)
           && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    {
      g_clear_pointer (&self->remember_address, g_free);
      g_clear_pointer (&self->remember_password, g_free);
      if (g_strcmp0 (self->keyring_address, address) == 0)
        {
          /* the remembered password was refused: forget it and ask */
          mpy_network_keyring_clear (address);
          g_clear_pointer (&self->keyring_address, g_free);
          ask_again (self, address,
                     _("The board refused the password saved in the keyring (it was changed "
                       "on the board?), so it was forgotten. Type the board's WebREPL password."));
        }
      else if (!mpy_board_has_password (board))
        /* no password yet (a typed address): the keyring's, else ask */
        connect_with_keyring (self, address, TRUE);
      else
        /* a wrong password typed: ask again */
        ask_again (self, address, _("The board refused this password. Type it again."));
    }
}

#endif /* HAVE_DEVICE */
