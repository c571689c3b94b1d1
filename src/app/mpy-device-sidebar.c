/* mpy-device-sidebar.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-device-sidebar-private.h"

#ifdef HAVE_DEVICE
# include "mpy-port-list.h"
# include "mpy-watch-control.h"
#endif


G_DEFINE_FINAL_TYPE (MpyDeviceSidebar, mpy_device_sidebar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PATH,
  PROP_BAUD,
  PROP_BUSY,
  PROP_DTR,
  PROP_RTS,
  PROP_RECENT_NETWORK_BOARDS,
  N_PROPS
};

enum {
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const guint baud_rates[] = { 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000 };

#ifdef HAVE_DEVICE
static void
update_busy (MpyDeviceSidebar *self)
{
  gboolean busy = mpy_board_get_busy (self->board);

  gtk_widget_set_visible (self->progress_box, busy);
  gtk_widget_set_sensitive (self->run_button, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->path_entry), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->baud_dropdown), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->dtr_dropdown), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rts_dropdown), !busy);
  if (busy)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      gtk_progress_bar_set_text (self->progress_bar,
                                 mpy_board_get_operation (self->board) == MPY_BOARD_OPERATION_EXEC
                                 ? _("Running…") : _("Waiting for the board…"));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}
#endif

static void
append_output (MpyDeviceSidebar *self,
               const char       *text,
               const char       *tag)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->output_view);
  GtkTextIter end;

  if (text == NULL || *text == '\0')
    return;

  gtk_text_buffer_get_end_iter (buffer, &end);
  /* Code wraps at any character but never gets a hyphen ("ran-ge(30)" is not what ran). */
  gtk_text_buffer_insert_with_tags_by_name (buffer, &end, text, -1, "no-hyphens", tag, NULL);

  /* The end mark moves with the text; scrolling to a mark waits until the new lines are laid
   * out, where scrolling to an iter now would stop at the old end. */
  gtk_text_view_scroll_mark_onscreen (self->output_view,
                                      gtk_text_buffer_get_mark (buffer, "output-end"));
}

#ifdef HAVE_DEVICE

/* The status line says what is known of the board: after a failed or cancelled connect it
 * is not connected, whatever the port did. */
static void
update_state (MpyDeviceSidebar *self)
{
  MpyBoardState state = mpy_board_get_state (self->board);
  const char *banner = mpy_board_get_banner (self->board);
  const GError *error = mpy_board_get_error (self->board);
  const char *text = _("Not connected");
  const char *detail = banner;

  switch (state)
    {
    case MPY_BOARD_DISCONNECTED:
      text = _("Not connected");
      break;
    case MPY_BOARD_CONNECTING:
      text = _("Connecting…");
      break;
    case MPY_BOARD_READY:
      text = _("Connected, raw REPL ready");
      break;
    case MPY_BOARD_BUSY:
      text = _("Talking to the board…");
      break;
    case MPY_BOARD_FAILED:
      text = _("Not connected: the last attempt failed");
      detail = error != NULL ? error->message : NULL;
      break;
    default:
      break;
    }
  /* The user's statement may run for long: say so, not “Connecting…” throughout. */
  if (mpy_board_get_operation (self->board) == MPY_BOARD_OPERATION_EXEC
      && (state == MPY_BOARD_CONNECTING || state == MPY_BOARD_BUSY))
    text = _("Running…");

  gtk_label_set_text (self->state_label, text);
  gtk_label_set_text (self->banner_label, detail ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->banner_label), detail != NULL && *detail != '\0');
}

static void
progress_cb (MpyDeviceSidebar *self,
             guint64           bytes,
             MpyBoard         *board)
{
  g_autofree char *size = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *text = g_strdup_printf (_("Received %s"), size);

  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_pulse (self->progress_bar);
}

/* The statement's output as it arrives; a cancel keeps what came. */
static void
exec_output_cb (MpyDeviceSidebar *self,
                const char       *text,
                MpyBoard         *board)
{
  append_output (self, text, NULL);
}

static void
exec_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MpyDeviceSidebar) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  /* stdout came already, piece by piece, in "exec-output". */
  if (!mpy_board_exec_finish (MPY_BOARD (object), result, NULL, &err, &error))
    {
      if (self->output_view == NULL)
        return;
      append_output (self, error->message, "error");
      append_output (self, "\n", NULL);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[ERROR], 0, error);
      return;
    }

  if (self->output_view != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (err, -1);

      append_output (self, valid, "error");
    }
}

/* A program of the user's was stopped by the capture: say so where the board talks. */
static void
captured_cb (MpyDeviceSidebar *self,
             MpySnapshot      *snapshot,
             MpyBoard         *board)
{
  if ((mpy_snapshot_get_flags (snapshot) & MPY_SNAPSHOT_FLAG_INTERRUPTED) && self->output_view != NULL)
    {
      append_output (self, _("The board was running a program; it was interrupted to capture."),
                     "error");
      append_output (self, "\n", NULL);
    }
}

/* The board's settings shown in the widgets (the window restores them on the board). */
static void
board_address_cb (MpyDeviceSidebar *self,
                  GParamSpec       *pspec,
                  MpyBoard         *board)
{
  mpy_device_sidebar_set_path (self, mpy_board_get_address (board));
}

static void
board_baud_cb (MpyDeviceSidebar *self,
               GParamSpec       *pspec,
               MpyBoard         *board)
{
  mpy_device_sidebar_set_baud (self, mpy_board_get_baud (board));
}

static void
board_lines_cb (MpyDeviceSidebar *self,
                GParamSpec       *pspec,
                MpyBoard         *board)
{
  mpy_device_sidebar_set_lines (self, mpy_board_get_dtr (board), mpy_board_get_rts (board));
}

#endif /* HAVE_DEVICE */

static void
port_activate_cb (MpyDeviceSidebar *self,
                  guint             position,
                  GtkListView      *view)
{
#ifdef HAVE_DEVICE
  g_autoptr(MpyPortInfo) info = g_list_model_get_item (G_LIST_MODEL (self->ports), position);

  if (info != NULL)
    mpy_device_sidebar_set_path (self, mpy_port_info_get_name (info));
#endif
}

static void
path_changed_cb (MpyDeviceSidebar *self,
                 GtkEntry         *entry)
{
#ifdef HAVE_DEVICE
  if (self->board != NULL)
    {
      mpy_board_set_address (self->board, mpy_device_sidebar_get_path (self));
      mpy_device_sidebar_path_network_cb (self, mpy_device_sidebar_get_path (self));
    }
#endif
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}

static void
baud_changed_cb (MpyDeviceSidebar *self,
                 GParamSpec       *pspec,
                 GtkDropDown      *dropdown)
{
#ifdef HAVE_DEVICE
  if (self->board != NULL)
    mpy_board_set_baud (self->board, mpy_device_sidebar_get_baud (self));
#endif
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BAUD]);
}

static void
lines_changed_cb (MpyDeviceSidebar *self,
                  GParamSpec       *pspec,
                  GtkDropDown      *dropdown)
{
#ifdef HAVE_DEVICE
  if (self->board != NULL)
    mpy_board_set_lines (self->board, (MpyLineMode) mpy_device_sidebar_get_dtr (self),
                         (MpyLineMode) mpy_device_sidebar_get_rts (self));
#endif
  g_object_notify_by_pspec (G_OBJECT (self),
                            properties[dropdown == self->dtr_dropdown ? PROP_DTR : PROP_RTS]);
}

static void
run_activate_cb (MpyDeviceSidebar *self,
                 GtkWidget        *widget)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_entry));

  if (code == NULL || *code == '\0' || mpy_device_sidebar_get_busy (self))
    return;

  mpy_device_sidebar_run (self, code);
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
}

#ifdef HAVE_DEVICE

static void
port_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_ellipsize (GTK_LABEL (details), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (details, "caption");
  gtk_widget_add_css_class (details, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), details);
  gtk_widget_set_margin_top (box, 2);
  gtk_widget_set_margin_bottom (box, 2);
  gtk_list_item_set_child (list_item, box);
}

static void
port_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  MpyPortInfo *info = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *details = gtk_widget_get_next_sibling (name);
  g_autoptr(GString) text = g_string_new (NULL);
  const char *product = mpy_port_info_get_product (info);
  const char *serial = mpy_port_info_get_serial (info);

  g_autofree char *basename = g_path_get_basename (mpy_port_info_get_name (info));

  /* libserialport describes a plain UART by its own name: that says nothing new. */
  if (product == NULL && g_strcmp0 (mpy_port_info_get_description (info), basename) != 0)
    product = mpy_port_info_get_description (info);
  if (product != NULL)
    g_string_append (text, product);
  if (serial != NULL)
    g_string_append_printf (text, "%s%s %s", text->len ? " · " : "", _("serial"), serial);
  if (text->len == 0)
    g_string_append (text, _("no USB details"));

  gtk_label_set_text (GTK_LABEL (name), mpy_port_info_get_name (info));
  gtk_label_set_text (GTK_LABEL (details), text->str);
  gtk_widget_set_tooltip_text (box, mpy_port_info_get_manufacturer (info));
}

static void
ports_changed_cb (MpyDeviceSidebar *self,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GListModel       *model)
{
  guint n = g_list_model_get_n_items (model);
  const char *path = mpy_device_sidebar_get_path (self);

  gtk_widget_set_visible (self->port_placeholder, n == 0);
  gtk_widget_set_visible (self->port_scroller, n > 0);

  /* Offer the likeliest board (a plain on-board UART is not one), but never overwrite what
   * the user typed. */
  if (n > 0 && (path == NULL || *path == '\0'))
    {
      g_autoptr(MpyPortInfo) first = g_list_model_get_item (model, 0);

      if (mpy_port_info_get_likelihood (first) > 0)
        mpy_device_sidebar_set_path (self, mpy_port_info_get_name (first));
    }
}

#endif /* HAVE_DEVICE */

static void
mpy_device_sidebar_dispose (GObject *object)
{
  MpyDeviceSidebar *self = (MpyDeviceSidebar *) object;
  GtkWidget *child;

#ifdef HAVE_DEVICE
  if (self->board != NULL)
    {
      /* The window's board goes with it: whatever runs is cancelled, the port closed. */
      g_signal_handlers_disconnect_by_data (self->board, self);
      mpy_board_disconnect (self->board);
      g_clear_object (&self->board);
    }
  if (self->ports != NULL)
    g_signal_handlers_disconnect_by_data (self->ports, self);
  g_clear_object (&self->ports);
  g_clear_pointer (&self->keyring_address, g_free);
  g_clear_pointer (&self->remember_address, g_free);
  g_clear_pointer (&self->remember_password, g_free);
#endif
  g_clear_pointer (&self->recent_boards, g_strfreev);

  gtk_widget_dispose_template (GTK_WIDGET (self), MPY_TYPE_DEVICE_SIDEBAR);
  /* The template's unnamed top-level box is not cleared by dispose_template. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mpy_device_sidebar_parent_class)->dispose (object);
}

static void
mpy_device_sidebar_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MpyDeviceSidebar *self = MPY_DEVICE_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, mpy_device_sidebar_get_path (self));
      break;
    case PROP_BAUD:
      g_value_set_uint (value, mpy_device_sidebar_get_baud (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, mpy_device_sidebar_get_busy (self));
      break;
    case PROP_DTR:
      g_value_set_uint (value, mpy_device_sidebar_get_dtr (self));
      break;
    case PROP_RTS:
      g_value_set_uint (value, mpy_device_sidebar_get_rts (self));
      break;
    case PROP_RECENT_NETWORK_BOARDS:
      g_value_set_boxed (value, self->recent_boards);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_device_sidebar_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  MpyDeviceSidebar *self = MPY_DEVICE_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_PATH:
      mpy_device_sidebar_set_path (self, g_value_get_string (value));
      break;
    case PROP_BAUD:
      mpy_device_sidebar_set_baud (self, g_value_get_uint (value));
      break;
    case PROP_DTR:
      mpy_device_sidebar_set_lines (self, g_value_get_uint (value), mpy_device_sidebar_get_rts (self));
      break;
    case PROP_RTS:
      mpy_device_sidebar_set_lines (self, mpy_device_sidebar_get_dtr (self), g_value_get_uint (value));
      break;
    case PROP_RECENT_NETWORK_BOARDS:
      mpy_device_sidebar_set_recent_network_boards (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_device_sidebar_class_init (MpyDeviceSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mpy_device_sidebar_dispose;
  object_class->get_property = mpy_device_sidebar_get_property;
  object_class->set_property = mpy_device_sidebar_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BAUD] =
    g_param_spec_uint ("baud", NULL, NULL, 300, 4000000, 115200,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DTR] =
    g_param_spec_uint ("dtr", NULL, NULL, 0, 2, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RTS] =
    g_param_spec_uint ("rts", NULL, NULL, 0, 2, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* recently used network boards, newest first (the window keeps them in GSettings) */
  properties[PROP_RECENT_NETWORK_BOARDS] =
    g_param_spec_boxed ("recent-network-boards", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/MpyMemMap/mpy-device-sidebar.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, port_view);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, port_scroller);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, port_placeholder);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, path_entry);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, network_button);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, baud_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, dtr_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, rts_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, state_label);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, banner_label);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, progress_box);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, code_entry);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, run_button);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, output_view);
  gtk_widget_class_bind_template_child (widget_class, MpyDeviceSidebar, watch_slot);
  gtk_widget_class_bind_template_callback (widget_class, port_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, path_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, baud_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, lines_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, mpy_device_sidebar_cancel);
#ifdef HAVE_DEVICE
  gtk_widget_class_install_action (widget_class, "sidebar.connect-network", NULL,
                                   mpy_device_sidebar_connect_network_action);
  gtk_widget_class_install_action (widget_class, "sidebar.use-address", "s",
                                   mpy_device_sidebar_use_address_action);
#endif
}

static void
mpy_device_sidebar_init (MpyDeviceSidebar *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  buffer = gtk_text_view_get_buffer (self->output_view);
  gtk_text_buffer_create_tag (buffer, "error", "foreground", "#c01c28", NULL);
  gtk_text_buffer_create_tag (buffer, "input", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buffer, "no-hyphens", "insert-hyphens", FALSE, NULL);
  {
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_create_mark (buffer, "output-end", &end, FALSE);
  }

#ifdef HAVE_DEVICE
  {
    GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
    GtkSelectionModel *selection;

    g_signal_connect (factory, "setup", G_CALLBACK (port_setup_cb), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (port_bind_cb), NULL);
    gtk_list_view_set_factory (self->port_view, factory);
    g_object_unref (factory);

    self->ports = mpy_port_list_new ();
    selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->ports))));
    gtk_list_view_set_model (self->port_view, selection);
    g_object_unref (selection);

    self->board = mpy_board_new (NULL);
    g_signal_connect_object (self->board, "progress", G_CALLBACK (progress_cb),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "exec-output", G_CALLBACK (exec_output_cb),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "captured", G_CALLBACK (captured_cb),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::state", G_CALLBACK (update_state),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::state",
                             G_CALLBACK (mpy_device_sidebar_board_state_network_cb),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::banner", G_CALLBACK (update_state),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::error", G_CALLBACK (update_state),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::operation", G_CALLBACK (update_state),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::busy", G_CALLBACK (update_busy),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::address", G_CALLBACK (board_address_cb),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::baud", G_CALLBACK (board_baud_cb),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::dtr", G_CALLBACK (board_lines_cb),
                             self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->board, "notify::rts", G_CALLBACK (board_lines_cb),
                             self, G_CONNECT_SWAPPED);

    self->watch_control = mpy_watch_control_new (self->board);
    gtk_box_append (self->watch_slot, self->watch_control);

    g_signal_connect_object (self->ports, "items-changed", G_CALLBACK (ports_changed_cb),
                             self, G_CONNECT_SWAPPED);
    ports_changed_cb (self, 0, 0, 0, G_LIST_MODEL (self->ports));
    update_state (self);
    mpy_device_sidebar_rebuild_network_menu (self);
  }
#else
  gtk_widget_set_visible (GTK_WIDGET (self->network_button), FALSE);
  gtk_widget_set_visible (self->port_scroller, FALSE);
  gtk_label_set_text (GTK_LABEL (self->port_placeholder),
                      _("This build of MpyMemMap has no device support: open or paste dumps instead."));
  gtk_label_set_text (self->state_label, _("Not connected"));
#endif
}

GtkWidget *
mpy_device_sidebar_new (void)
{
  return g_object_new (MPY_TYPE_DEVICE_SIDEBAR, NULL);
}

const char *
mpy_device_sidebar_get_path (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->path_entry));
}

void
mpy_device_sidebar_set_path (MpyDeviceSidebar *self,
                             const char       *path)
{
  g_return_if_fail (MPY_IS_DEVICE_SIDEBAR (self));

  if (g_strcmp0 (path ? path : "", mpy_device_sidebar_get_path (self)) == 0)
    return;

  /* The entry's "changed" handler notifies "path". */
  gtk_editable_set_text (GTK_EDITABLE (self->path_entry), path ? path : "");
}

guint
mpy_device_sidebar_get_baud (MpyDeviceSidebar *self)
{
  guint selected;

  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), 115200);

  selected = gtk_drop_down_get_selected (self->baud_dropdown);
  if (selected >= G_N_ELEMENTS (baud_rates))
    return 115200;

  return baud_rates[selected];
}

void
mpy_device_sidebar_set_baud (MpyDeviceSidebar *self,
                             guint             baud)
{
  g_return_if_fail (MPY_IS_DEVICE_SIDEBAR (self));

  for (guint i = 0; i < G_N_ELEMENTS (baud_rates); i++)
    {
      if (baud_rates[i] == baud)
        {
          gtk_drop_down_set_selected (self->baud_dropdown, i);
          return;
        }
    }
}

guint
mpy_device_sidebar_get_dtr (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), 0);

  return MIN (gtk_drop_down_get_selected (self->dtr_dropdown), 2);
}

guint
mpy_device_sidebar_get_rts (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), 0);

  return MIN (gtk_drop_down_get_selected (self->rts_dropdown), 2);
}

void
mpy_device_sidebar_set_lines (MpyDeviceSidebar *self,
                              guint             dtr,
                              guint             rts)
{
  g_return_if_fail (MPY_IS_DEVICE_SIDEBAR (self));

  /* The dropdowns' notify handlers notify "dtr" and "rts". */
  gtk_drop_down_set_selected (self->dtr_dropdown, MIN (dtr, 2));
  gtk_drop_down_set_selected (self->rts_dropdown, MIN (rts, 2));
}

gboolean
mpy_device_sidebar_get_busy (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), FALSE);

#ifdef HAVE_DEVICE
  return self->board != NULL && mpy_board_get_busy (self->board);
#else
  return FALSE;
#endif
}

void
mpy_device_sidebar_cancel (MpyDeviceSidebar *self)
{
  g_return_if_fail (MPY_IS_DEVICE_SIDEBAR (self));

#ifdef HAVE_DEVICE
  if (mpy_device_sidebar_get_busy (self))
    {
      mpy_board_cancel (self->board);
      gtk_progress_bar_set_text (self->progress_bar, _("Cancelling…"));
    }
#endif
}

#ifdef HAVE_DEVICE
/**
 * mpy_device_sidebar_get_board:
 *
 * Returns: (transfer none): the board the sidebar shows
 */
MpyBoard *
mpy_device_sidebar_get_board (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), NULL);

  return self->board;
}

/**
 * mpy_device_sidebar_get_watch_control:
 *
 * Returns: (transfer none): the Watch control (an #MpyWatchControl)
 */
GtkWidget *
mpy_device_sidebar_get_watch_control (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), NULL);

  return self->watch_control;
}
#endif

void
mpy_device_sidebar_run (MpyDeviceSidebar *self,
                        const char       *code)
{
#ifdef HAVE_DEVICE
  g_autofree char *echo = NULL;
#endif

  g_return_if_fail (MPY_IS_DEVICE_SIDEBAR (self));
  g_return_if_fail (code != NULL);

#ifdef HAVE_DEVICE
  if (mpy_device_sidebar_get_busy (self))
    return;

  echo = g_strdup_printf (">>> %s\n", code);
  append_output (self, echo, "input");
  mpy_board_exec_async (self->board, code, NULL, exec_done_cb, g_object_ref (self));
#else
  append_output (self, _("This build of MpyMemMap has no device support.\n"), "error");
#endif
}

char *
mpy_device_sidebar_dup_output (MpyDeviceSidebar *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), NULL);

  buffer = gtk_text_view_get_buffer (self->output_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

GtkLabel *
mpy_device_sidebar_get_status_label (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), NULL);

  return self->state_label;
}

GtkWidget *
mpy_device_sidebar_get_output_view (MpyDeviceSidebar *self)
{
  g_return_val_if_fail (MPY_IS_DEVICE_SIDEBAR (self), NULL);

  return GTK_WIDGET (self->output_view);
}
