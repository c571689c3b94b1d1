/* mpy-cost-dialog.c — Import cost: what does importing a module keep? (the CLI's `cost`)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gi18n.h>

#include "mpy-cost-dialog.h"

typedef enum {
  STEP_QSTR_BEFORE,
  STEP_CAPTURE_BEFORE,
  STEP_IMPORT,
  STEP_CAPTURE_AFTER,
  STEP_QSTR_AFTER,
} Step;

struct _MpyCostDialog
{
  GtkWindow     parent_instance;

  MpyBoard     *board;
  GtkWidget    *module_entry;
  GtkWidget    *run_button;
  GtkWidget    *result_label;

  GCancellable *cancellable;
  Step          step;
  char         *module;
  MpySnapshot  *before;
  MpySnapshot  *after;
  guint64       q0, qb0, q1, qb1;
  gboolean      have_qstr;
  gboolean      have_cost;
  gint64        bytes;
  gint64        by_group[MPY_N_COST_GROUPS];
  char         *result_text;
};

G_DEFINE_FINAL_TYPE (MpyCostDialog, mpy_cost_dialog, GTK_TYPE_WINDOW)

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void next_step (MpyCostDialog *self);

static void
show_result (MpyCostDialog *self,
             char          *text)   /* (transfer full) */
{
  g_free (self->result_text);
  self->result_text = text;
  gtk_label_set_text (GTK_LABEL (self->result_label), text);
  gtk_widget_set_sensitive (self->run_button, TRUE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
finish (MpyCostDialog *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  self->bytes = mpy_cost_compute (self->before, self->after, self->by_group);
  self->have_cost = TRUE;
  g_autofree char *kept = g_strdup_printf ("%" G_GINT64_FORMAT, self->bytes);

  /* Translators: "import json: 1234 bytes kept" */
  g_string_append_printf (text, _("import %s: %s bytes kept"), self->module, kept);
  g_string_append (text, "\n");
  for (guint k = 0; k < MPY_N_COST_GROUPS; k++)
    g_string_append_printf (text, "%s%s %" G_GINT64_FORMAT, k > 0 ? ", " : "",
                            mpy_cost_group_get_key ((MpyCostGroup) k), self->by_group[k]);
  g_string_append (text, "\n");
  if (self->have_qstr)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (self->q1 - self->q0));
      g_autofree char *bytes = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (self->qb1 - self->qb0));

      /* Translators: new interned strings and the bytes of their text */
      g_string_append_printf (text, _("%s new qstrs, %s bytes of their text"), count, bytes);
    }
  else
    g_string_append (text, _("micropython.qstr_info() is not available"));
  show_result (self, g_string_free (g_steal_pointer (&text), FALSE));
}

static void
capture_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MpyCostDialog) self = user_data;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  MpySnapshot *snapshot;

  if (!mpy_board_capture_finish (MPY_BOARD (object), result, &snapshots, &error))
    {
      show_result (self, g_strdup_printf ("%s: %s", _("The capture failed"), error->message));
      return;
    }
  snapshot = mpy_snapshot_ref (g_ptr_array_index (snapshots, 0));
  if (self->step == STEP_CAPTURE_BEFORE)
    {
      g_clear_pointer (&self->before, mpy_snapshot_unref);
      self->before = snapshot;
    }
  else
    {
      g_clear_pointer (&self->after, mpy_snapshot_unref);
      self->after = snapshot;
    }
  self->step++;
  next_step (self);
}

static void
exec_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MpyCostDialog) self = user_data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  if (!mpy_board_exec_finish (MPY_BOARD (object), result, &out, &err, &error))
    {
      show_result (self, g_strdup_printf ("%s: %s", _("The code could not run"), error->message));
      return;
    }
  if (self->step == STEP_IMPORT && err != NULL && err[0] != '\0')
    {
      /* Translators: the module that failed to import, then its traceback */
      show_result (self, g_strdup_printf (_("import %s failed:\n%s"), self->module, err));
      return;
    }
  if (self->step == STEP_QSTR_BEFORE)
    self->have_qstr = (err == NULL || err[0] == '\0') && mpy_qstr_info_parse (out, &self->q0, &self->qb0);
  else if (self->step == STEP_QSTR_AFTER)
    {
      self->have_qstr = self->have_qstr && (err == NULL || err[0] == '\0') &&
                        mpy_qstr_info_parse (out, &self->q1, &self->qb1);
      finish (self);
      return;
    }
  self->step++;
  next_step (self);
}

static void
next_step (MpyCostDialog *self)
{
  g_autofree char *code = NULL;

  switch (self->step)
    {
    case STEP_QSTR_BEFORE:
    case STEP_QSTR_AFTER:
      mpy_board_exec_async (self->board, MPY_QSTR_INFO_STMT, self->cancellable, exec_done_cb,
                            g_object_ref (self));
      break;
    case STEP_IMPORT:
      code = g_strdup_printf ("import %s", self->module);
      mpy_board_exec_async (self->board, code, self->cancellable, exec_done_cb, g_object_ref (self));
      break;
    case STEP_CAPTURE_BEFORE:
    case STEP_CAPTURE_AFTER:
    default:
      mpy_board_capture_async (self->board, MPY_BOARD_CAPTURE_GC, self->cancellable,
                               capture_done_cb, g_object_ref (self));
      break;
    }
}

static gboolean
is_module_name (const char *name)
{
  if (name[0] == '\0' || g_ascii_isdigit (name[0]))
    return FALSE;
  for (const char *c = name; *c != '\0'; c++)
    if (!(g_ascii_isalnum (*c) || *c == '_' || *c == '.'))
      return FALSE;
  return TRUE;
}

/**
 * mpy_cost_dialog_start:
 *
 * Measures the import of the module the entry names.
 */
void
mpy_cost_dialog_start (MpyCostDialog *self)
{
  const char *module;

  g_return_if_fail (MPY_IS_COST_DIALOG (self));

  module = gtk_editable_get_text (GTK_EDITABLE (self->module_entry));
  self->have_cost = FALSE;
  if (!is_module_name (module))
    {
      /* Translators: the text typed, which is not a Python module name */
      show_result (self, g_strdup_printf (_("“%s” is not a module name"), module));
      return;
    }
  g_free (self->module);
  self->module = g_strdup (module);
  gtk_widget_set_sensitive (self->run_button, FALSE);
  gtk_label_set_text (GTK_LABEL (self->result_label), _("Measuring…"));
  self->step = STEP_QSTR_BEFORE;
  next_step (self);
}

static void
run_clicked (GtkButton     *button,
             MpyCostDialog *self)
{
  mpy_cost_dialog_start (self);
}

static void
mpy_cost_dialog_dispose (GObject *object)
{
  MpyCostDialog *self = MPY_COST_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->board);

  G_OBJECT_CLASS (mpy_cost_dialog_parent_class)->dispose (object);
}

static void
mpy_cost_dialog_finalize (GObject *object)
{
  MpyCostDialog *self = MPY_COST_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->before, mpy_snapshot_unref);
  g_clear_pointer (&self->after, mpy_snapshot_unref);
  g_free (self->module);
  g_free (self->result_text);

  G_OBJECT_CLASS (mpy_cost_dialog_parent_class)->finalize (object);
}

static void
mpy_cost_dialog_class_init (MpyCostDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mpy_cost_dialog_dispose;
  object_class->finalize = mpy_cost_dialog_finalize;

  /**
   * MpyCostDialog::finished:
   *
   * A measurement ended (mpy_cost_dialog_get_cost() has the result when it succeeded).
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mpy_cost_dialog_init (MpyCostDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Module"));

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Import Cost"));
  gtk_window_set_default_size (GTK_WINDOW (self), 420, -1);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);

  self->module_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->module_entry), "json");
  gtk_widget_set_hexpand (self->module_entry, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->module_entry);
  self->run_button = gtk_button_new_with_mnemonic (_("_Measure"));
  gtk_widget_add_css_class (self->run_button, "suggested-action");
  g_signal_connect (self->run_button, "clicked", G_CALLBACK (run_clicked), self);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), self->module_entry);
  gtk_box_append (GTK_BOX (row), self->run_button);
  gtk_box_append (GTK_BOX (box), row);

  self->result_label = gtk_label_new (_("Imports the module between two captures after "
                                        "gc.collect(): what it keeps, by kind, and its new qstrs."));
  gtk_label_set_wrap (GTK_LABEL (self->result_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->result_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->result_label), TRUE);
  gtk_box_append (GTK_BOX (box), self->result_label);

  gtk_window_set_child (GTK_WINDOW (self), box);
}

/**
 * mpy_cost_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @board: the board to measure on
 *
 * Returns: (transfer floating): a new Import cost window
 */
GtkWidget *
mpy_cost_dialog_new (GtkWindow *parent,
                     MpyBoard  *board)
{
  MpyCostDialog *self;

  g_return_val_if_fail (MPY_IS_BOARD (board), NULL);

  self = g_object_new (MPY_TYPE_COST_DIALOG, "transient-for", parent, NULL);
  self->board = g_object_ref (board);
  return GTK_WIDGET (self);
}

void
mpy_cost_dialog_set_module (MpyCostDialog *self,
                            const char    *module)
{
  g_return_if_fail (MPY_IS_COST_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->module_entry), module != NULL ? module : "");
}

gboolean
mpy_cost_dialog_get_cost (MpyCostDialog *self,
                          gint64        *bytes,
                          gint64         by_group[MPY_N_COST_GROUPS],
                          gint64        *qstr_count,
                          gint64        *qstr_bytes)
{
  g_return_val_if_fail (MPY_IS_COST_DIALOG (self), FALSE);

  if (!self->have_cost)
    return FALSE;
  if (bytes != NULL)
    *bytes = self->bytes;
  if (by_group != NULL)
    memcpy (by_group, self->by_group, sizeof self->by_group);
  if (qstr_count != NULL)
    *qstr_count = self->have_qstr ? (gint64) (self->q1 - self->q0) : -1;
  if (qstr_bytes != NULL)
    *qstr_bytes = self->have_qstr ? (gint64) (self->qb1 - self->qb0) : -1;
  return TRUE;
}

const char *
mpy_cost_dialog_get_result_text (MpyCostDialog *self)
{
  g_return_val_if_fail (MPY_IS_COST_DIALOG (self), NULL);
  return self->result_text;
}
