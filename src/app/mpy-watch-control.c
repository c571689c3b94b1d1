/* mpy-watch-control.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-watch-control.h"

struct _MpyWatchControl
{
  GtkWidget       parent_instance;

  MpyBoard       *board;
  GCancellable   *cancellable;    /* set while a watch runs */
  guint           n;
  GFile          *script;

  GtkWidget      *box;
  GtkDropDown    *mode_dropdown;
  GtkSpinButton  *interval_spin;
  GtkWidget      *interval_box;
  GtkButton      *script_button;
  GtkButton      *start_button;
  GtkLabel       *status_label;
};

G_DEFINE_FINAL_TYPE (MpyWatchControl, mpy_watch_control, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_WATCHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The README's snippet ("Logging from your program"): what the named-log reader reads. */
static const char snippet[] =
  "import micropython\n"
  "\n"
  "def log_mem(name, full=True):\n"
  "    print(\"*** Memory info\", name, \"***\")\n"
  "    try:\n"
  "        import time\n"
  "        print(\"time:%d\" % time.time_ns())\n"
  "    except (ImportError, AttributeError):\n"
  "        pass                         # no clock: the dump has no board time\n"
  "    if full:\n"
  "        micropython.mem_info(1)\n"
  "    else:\n"
  "        micropython.mem_info()\n"
  "    print(\"*\" * 30)\n";

const char *
mpy_watch_control_get_snippet (void)
{
  return snippet;
}

static void
set_status (MpyWatchControl *self,
            const char      *text)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL && *text != '\0');
}

static void
update (MpyWatchControl *self)
{
  gboolean watching = self->cancellable != NULL;
  guint mode = gtk_drop_down_get_selected (self->mode_dropdown);

  gtk_button_set_label (self->start_button, watching ? _("Stop _Watch") : _("Start _Watch"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_dropdown), !watching);
  gtk_widget_set_sensitive (self->interval_box, !watching);
  gtk_widget_set_sensitive (GTK_WIDGET (self->script_button), !watching);
  gtk_widget_set_visible (self->interval_box, mode == MPY_BOARD_WATCH_EVERY);
  gtk_widget_set_visible (GTK_WIDGET (self->script_button), mode == MPY_BOARD_WATCH_RUN);
  if (self->script != NULL)
    {
      g_autofree char *name = g_file_get_basename (self->script);

      gtk_button_set_label (self->script_button, name);
    }
  else
    gtk_button_set_label (self->script_button, _("Choose _Script…"));
}

static void
snapshot_cb (MpyWatchControl *self,
             MpySnapshot     *snapshot,
             MpyBoard        *board)
{
  g_autofree char *text = NULL;

  if (self->cancellable == NULL)
    return;
  self->n++;
  text = g_strdup_printf (g_dngettext (NULL, "Watching: %u snapshot", "Watching: %u snapshots",
                                       self->n), self->n);
  set_status (self, text);
}

static void
watch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MpyWatchControl) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *traceback = NULL;
  guint n = 0;

  if (!mpy_board_watch_finish (MPY_BOARD (object), result, &n, NULL, NULL, &traceback, &error))
    set_status (self, error->message);
  else if (traceback != NULL && *traceback != '\0')
    set_status (self, traceback);
  else
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (NULL, "Watch stopped: %u snapshot", "Watch stopped: %u snapshots", n), n);

      set_status (self, text);
    }
  g_clear_object (&self->cancellable);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHING]);
}

static void
start (MpyWatchControl *self)
{
  MpyBoardWatchOptions options = { 0 };
  g_autofree char *script = NULL;

  options.mode = (MpyBoardWatchMode) gtk_drop_down_get_selected (self->mode_dropdown);
  options.interval_ms = (guint) (gtk_spin_button_get_value (self->interval_spin) * 1000 + 0.5);
  if (options.mode == MPY_BOARD_WATCH_RUN)
    {
      g_autoptr(GError) error = NULL;

      if (self->script == NULL)
        {
          set_status (self, _("Choose the script to run first."));
          return;
        }
      if (!g_file_load_contents (self->script, NULL, &script, NULL, NULL, &error))
        {
          set_status (self, error->message);
          return;
        }
      options.script = script;
    }

  self->n = 0;
  self->cancellable = g_cancellable_new ();
  set_status (self, _("Watching: waiting for the first snapshot…"));
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHING]);
  mpy_board_watch_async (self->board, &options, self->cancellable, watch_done_cb,
                         g_object_ref (self));
}

void
mpy_watch_control_toggle (MpyWatchControl *self)
{
  g_return_if_fail (MPY_IS_WATCH_CONTROL (self));

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      set_status (self, _("Stopping…"));
    }
  else
    start (self);
}

static void
script_response_cb (GtkNativeDialog *native,
                    int              response,
                    MpyWatchControl *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      mpy_watch_control_set_script (self, file);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  g_object_unref (self);
}

static void
choose_script_cb (MpyWatchControl *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;
  GtkFileFilter *filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Script to Run and Watch"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Python scripts"));
  gtk_file_filter_add_pattern (filter, "*.py");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_object_unref (filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (script_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
copy_snippet_cb (GtkButton *button,
                 gpointer   data)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), snippet);
  gtk_button_set_label (button, _("Copied"));
}

static GtkWidget *
snippet_button_new (void)
{
  GtkWidget *menu_button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *intro = gtk_label_new (_("Paste this into your program and call log_mem(\"a name\") where you want to see the heap: Run and Listen record each dump it prints, named."));
  GtkWidget *code = gtk_label_new (snippet);
  GtkWidget *copy = gtk_button_new_with_mnemonic (_("_Copy"));

  gtk_menu_button_set_label (GTK_MENU_BUTTON (menu_button), _("Logging Snippet"));
  gtk_widget_set_tooltip_text (menu_button, _("The log_mem() function to paste into your program"));
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 40);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_selectable (GTK_LABEL (code), TRUE);
  gtk_label_set_xalign (GTK_LABEL (code), 0);
  gtk_widget_add_css_class (code, "monospace");
  gtk_widget_set_halign (copy, GTK_ALIGN_END);
  g_signal_connect (copy, "clicked", G_CALLBACK (copy_snippet_cb), NULL);
  gtk_box_append (GTK_BOX (box), intro);
  gtk_box_append (GTK_BOX (box), code);
  gtk_box_append (GTK_BOX (box), copy);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (menu_button), popover);
  return menu_button;
}

static void
mode_changed_cb (MpyWatchControl *self)
{
  update (self);
}

static void
mpy_watch_control_dispose (GObject *object)
{
  MpyWatchControl *self = MPY_WATCH_CONTROL (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (mpy_watch_control_parent_class)->dispose (object);
}

static void
mpy_watch_control_finalize (GObject *object)
{
  MpyWatchControl *self = MPY_WATCH_CONTROL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->script);
  g_clear_object (&self->board);
  G_OBJECT_CLASS (mpy_watch_control_parent_class)->finalize (object);
}

static void
mpy_watch_control_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MpyWatchControl *self = MPY_WATCH_CONTROL (object);

  switch (prop_id)
    {
    case PROP_WATCHING:
      g_value_set_boolean (value, mpy_watch_control_get_watching (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_watch_control_class_init (MpyWatchControlClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mpy_watch_control_dispose;
  object_class->finalize = mpy_watch_control_finalize;
  object_class->get_property = mpy_watch_control_get_property;

  properties[PROP_WATCHING] =
    g_param_spec_boolean ("watching", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
mpy_watch_control_init (MpyWatchControl *self)
{
  const char *modes[] = { N_("Every few seconds"), N_("Run a script"), N_("Listen only"), NULL };
  const char *translated[4];
  GtkWidget *heading, *row, *label;

  for (guint i = 0; i < 4; i++)
    translated[i] = modes[i] != NULL ? _(modes[i]) : NULL;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  heading = gtk_label_new (_("Watch"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (self->box), heading);

  self->mode_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (translated));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mode_dropdown),
                               _("Capture on a timer, run a script and record the dumps it prints, or record what a running program prints without sending anything"));
  g_signal_connect_swapped (self->mode_dropdown, "notify::selected", G_CALLBACK (mode_changed_cb), self);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->mode_dropdown));

  self->interval_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  label = gtk_label_new_with_mnemonic (_("_Interval (s)"));
  self->interval_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (MPY_WATCH_MIN_INTERVAL_MS / 1000.0, 3600, 0.1));
  gtk_spin_button_set_digits (self->interval_spin, 1);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->interval_spin), 5);
  gtk_spin_button_set_value (self->interval_spin, 1.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->interval_spin));
  gtk_widget_set_hexpand (GTK_WIDGET (self->interval_spin), TRUE);
  gtk_box_append (GTK_BOX (self->interval_box), label);
  gtk_box_append (GTK_BOX (self->interval_box), GTK_WIDGET (self->interval_spin));
  gtk_box_append (GTK_BOX (self->box), self->interval_box);

  self->script_button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_use_underline (self->script_button, TRUE);
  g_signal_connect_swapped (self->script_button, "clicked", G_CALLBACK (choose_script_cb), self);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->script_button));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->start_button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_use_underline (self->start_button, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->start_button), TRUE);
  g_signal_connect_swapped (self->start_button, "clicked", G_CALLBACK (mpy_watch_control_toggle), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->start_button));
  gtk_box_append (GTK_BOX (self->box), row);
  /* on a row of its own: the sidebar stays narrow enough for an 800×600 window */
  {
    GtkWidget *snippet_button = snippet_button_new ();

    gtk_widget_set_halign (snippet_button, GTK_ALIGN_START);
    gtk_box_append (GTK_BOX (self->box), snippet_button);
  }

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_wrap_mode (self->status_label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->status_label));

  update (self);
}

GtkWidget *
mpy_watch_control_new (MpyBoard *board)
{
  MpyWatchControl *self;

  g_return_val_if_fail (MPY_IS_BOARD (board), NULL);

  self = g_object_new (MPY_TYPE_WATCH_CONTROL, NULL);
  self->board = g_object_ref (board);
  g_signal_connect_object (board, "watch-snapshot", G_CALLBACK (snapshot_cb), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

gboolean
mpy_watch_control_get_watching (MpyWatchControl *self)
{
  g_return_val_if_fail (MPY_IS_WATCH_CONTROL (self), FALSE);

  return self->cancellable != NULL;
}

void
mpy_watch_control_set_mode (MpyWatchControl   *self,
                            MpyBoardWatchMode  mode)
{
  g_return_if_fail (MPY_IS_WATCH_CONTROL (self));

  gtk_drop_down_set_selected (self->mode_dropdown, mode);
}

void
mpy_watch_control_set_interval (MpyWatchControl *self,
                                double           seconds)
{
  g_return_if_fail (MPY_IS_WATCH_CONTROL (self));

  gtk_spin_button_set_value (self->interval_spin, seconds);
}

void
mpy_watch_control_set_script (MpyWatchControl *self,
                              GFile           *file)
{
  g_return_if_fail (MPY_IS_WATCH_CONTROL (self));

  g_set_object (&self->script, file);
  update (self);
}

const char *
mpy_watch_control_get_status (MpyWatchControl *self)
{
  g_return_val_if_fail (MPY_IS_WATCH_CONTROL (self), NULL);

  return gtk_label_get_text (self->status_label);
}
