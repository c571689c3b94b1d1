/* mpy-leak-dialog.c — Leak check: is this code leaking? (the CLI's `leakcheck`, in the app)
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-leak-dialog.h"
#include "mpy-window-private.h"
#include "mpy-heap-view.h"

struct _MpyLeakDialog
{
  GtkWindow      parent_instance;

  MpyBoard      *board;
  GtkWidget     *setup_entry;
  GtkWidget     *code_entry;
  GtkWidget     *runs_spin;
  GtkWidget     *check_button;
  GtkWidget     *result_label;
  GtkWidget     *survivors_label;

  GCancellable  *cancellable;
  GPtrArray     *snapshots;   /* the baseline, then one per run */
  char          *code;
  guint          runs;
  guint          runs_done;
  MpyLeakReport *report;
  char          *result_text;
};

G_DEFINE_FINAL_TYPE (MpyLeakDialog, mpy_leak_dialog, GTK_TYPE_WINDOW)

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void step_capture (MpyLeakDialog *self);

static void
show_result (MpyLeakDialog *self,
             const char    *text,
             const char    *survivors)
{
  g_free (self->result_text);
  self->result_text = g_strdup (text);
  gtk_label_set_text (GTK_LABEL (self->result_label), text);
  gtk_label_set_text (GTK_LABEL (self->survivors_label), survivors != NULL ? survivors : "");
  gtk_widget_set_sensitive (self->check_button, TRUE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
fail (MpyLeakDialog *self,
      const char    *what,
      const char    *detail)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", what, detail);

  show_result (self, text, NULL);
}

/* The captures go into the window's document (labelled, the last one selected, so the
 * canvas shows it) and the survivors are outlined on it. */
static void
show_on_canvas (MpyLeakDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(GPtrArray) labelled = NULL;
  g_autoptr(GArray) runs = NULL;
  MpyWindow *window;
  MpySnapshot *last;
  guint number;

  if (!MPY_IS_WINDOW (parent) || self->snapshots->len == 0)
    return;
  window = MPY_WINDOW (parent);
  number = mpy_document_next_capture_number (window->document);
  labelled = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  for (guint i = 0; i < self->snapshots->len; i++)
    {
      g_autofree char *label = NULL;

      if (i == 0)
        /* Translators: the capture before the first run of a leak check */
        label = g_strdup_printf (_("Capture %u, leak check baseline"), number);
      else
        /* Translators: the capture after run %u of a leak check */
        label = g_strdup_printf (_("Capture %u, leak check run %u"), number, i);
      g_ptr_array_add (labelled, mpy_snapshot_with_label (g_ptr_array_index (self->snapshots, i), label));
    }
  last = g_ptr_array_index (labelled, labelled->len - 1);
  runs = g_array_new (FALSE, FALSE, sizeof (MpyBlockRun));
  for (guint i = 0; i < self->report->survivors->len; i++)
    {
      MpyLeakObject *o = &g_array_index (self->report->survivors, MpyLeakObject, i);
      MpyBlockRun run = { o->head_block, o->n_blocks };

      g_array_append_val (runs, run);
    }
  _mpy_window_add_captured (window, labelled);
  mpy_heap_view_set_outline_objects (MPY_HEAP_VIEW (window->heap_view), last,
                                     (MpyBlockRun *) (void *) runs->data, runs->len);
}

static void
finish (MpyLeakDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) retained = g_string_new (NULL);
  g_autoptr(GString) survivors = g_string_new (NULL);
  g_autofree char *text = NULL;

  g_clear_pointer (&self->report, mpy_leak_report_free);
  self->report = mpy_leak_analyze (self->snapshots, &error);
  if (self->report == NULL)
    {
      fail (self, _("The captures cannot be compared"), error->message);
      return;
    }
  for (guint r = 0; r < self->report->n_runs; r++)
    g_string_append_printf (retained, "%s%" G_GINT64_FORMAT, r > 0 ? ", " : "",
                            self->report->retained_bytes[r]);
  /* Translators: the verdict, the growth per run and the bytes retained after each run */
  text = g_strdup_printf (_("%s: %.1f bytes more per run (retained after each run: %s bytes)"),
                          self->report->leaking ? _("Leaking") : _("Not leaking"),
                          self->report->growth_bytes_per_run, retained->str);
  for (guint i = 0; i < self->report->survivors->len; i++)
    {
      MpyLeakObject *o = &g_array_index (self->report->survivors, MpyLeakObject, i);
      const char *kind = mpy_kind_get_name (o->kind);

      g_string_append_printf (survivors, "0x%08" G_GINT64_MODIFIER "x  %s  %" G_GUINT64_FORMAT "\n",
                              o->address, kind != NULL ? kind : "?", o->bytes);
    }
  if (survivors->len == 0)
    g_string_append (survivors, _("No survivors"));
  else
    {
      /* Translators: heading of the list of surviving objects (address, kind, bytes) */
      g_string_prepend (survivors, _("Survivors (address, kind, bytes):\n"));
    }
  show_on_canvas (self);
  show_result (self, text, survivors->str);
}

static void
capture_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MpyLeakDialog) self = user_data;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  if (!mpy_board_capture_finish (MPY_BOARD (object), result, &snapshots, &error))
    {
      fail (self, _("The capture failed"), error->message);
      return;
    }
  g_ptr_array_add (self->snapshots, mpy_snapshot_ref (g_ptr_array_index (snapshots, 0)));
  if (self->snapshots->len > self->runs)
    {
      finish (self);
      return;
    }
  step_capture (self);
}

static void
exec_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MpyLeakDialog) self = user_data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  if (!mpy_board_exec_finish (MPY_BOARD (object), result, &out, &err, &error))
    {
      fail (self, _("The code could not run"), error->message);
      return;
    }
  if (err != NULL && err[0] != '\0')
    {
      fail (self, _("The code raised an exception"), err);
      return;
    }
  mpy_board_capture_async (self->board, MPY_BOARD_CAPTURE_GC, self->cancellable, capture_done_cb,
                           g_object_ref (self));
}

/* The next run: the code, then gc.collect() and a capture. */
static void
step_capture (MpyLeakDialog *self)
{
  mpy_board_exec_async (self->board, self->code, self->cancellable, exec_done_cb, g_object_ref (self));
}

static void
setup_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MpyLeakDialog) self = user_data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  if (!mpy_board_exec_finish (MPY_BOARD (object), result, &out, &err, &error))
    {
      fail (self, _("The setup could not run"), error->message);
      return;
    }
  if (err != NULL && err[0] != '\0')
    {
      fail (self, _("The setup raised an exception"), err);
      return;
    }
  /* the baseline */
  mpy_board_capture_async (self->board, MPY_BOARD_CAPTURE_GC, self->cancellable, capture_done_cb,
                           g_object_ref (self));
}

/**
 * mpy_leak_dialog_start:
 *
 * Starts the check with what the entries hold.
 */
void
mpy_leak_dialog_start (MpyLeakDialog *self)
{
  const char *setup = gtk_editable_get_text (GTK_EDITABLE (self->setup_entry));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_entry));

  g_return_if_fail (MPY_IS_LEAK_DIALOG (self));

  if (code[0] == '\0')
    {
      fail (self, _("Nothing to check"), _("type the code to run"));
      return;
    }
  g_clear_pointer (&self->report, mpy_leak_report_free);
  g_ptr_array_set_size (self->snapshots, 0);
  g_free (self->code);
  self->code = g_strdup (code);
  self->runs = (guint) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->runs_spin));
  gtk_widget_set_sensitive (self->check_button, FALSE);
  gtk_label_set_text (GTK_LABEL (self->result_label), _("Checking…"));
  gtk_label_set_text (GTK_LABEL (self->survivors_label), "");
  /* an empty setup still runs (it does nothing), so the sequence is always the same */
  mpy_board_exec_async (self->board, setup[0] != '\0' ? setup : "pass", self->cancellable,
                        setup_done_cb, g_object_ref (self));
}

static void
check_clicked (GtkButton     *button,
               MpyLeakDialog *self)
{
  mpy_leak_dialog_start (self);
}

static void
mpy_leak_dialog_dispose (GObject *object)
{
  MpyLeakDialog *self = MPY_LEAK_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->board);

  G_OBJECT_CLASS (mpy_leak_dialog_parent_class)->dispose (object);
}

static void
mpy_leak_dialog_finalize (GObject *object)
{
  MpyLeakDialog *self = MPY_LEAK_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->snapshots, g_ptr_array_unref);
  g_clear_pointer (&self->report, mpy_leak_report_free);
  g_free (self->code);
  g_free (self->result_text);

  G_OBJECT_CLASS (mpy_leak_dialog_parent_class)->finalize (object);
}

static void
mpy_leak_dialog_class_init (MpyLeakDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mpy_leak_dialog_dispose;
  object_class->finalize = mpy_leak_dialog_finalize;

  /**
   * MpyLeakDialog::finished:
   *
   * A check ended: with a report (mpy_leak_dialog_get_report()) or an error (the result
   * text says which).
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static GtkWidget *
labelled (GtkWidget  *grid,
          int         row,
          const char *title,
          GtkWidget  *widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (GTK_GRID (grid), label, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), widget, 1, row, 1, 1);
  return widget;
}

static void
mpy_leak_dialog_init (MpyLeakDialog *self)
{
  GtkWidget *grid = gtk_grid_new ();

  self->cancellable = g_cancellable_new ();
  self->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  gtk_window_set_title (GTK_WINDOW (self), _("Leak Check"));
  gtk_window_set_default_size (GTK_WINDOW (self), 480, -1);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);

  self->setup_entry = labelled (grid, 0, _("_Setup (once)"), gtk_entry_new ());
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->setup_entry), "L = []");
  self->code_entry = labelled (grid, 1, _("_Code (each run)"), gtk_entry_new ());
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->code_entry), "L.append(bytearray(40))");
  self->runs_spin = labelled (grid, 2, _("_Runs"), gtk_spin_button_new_with_range (2, 100, 1));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->runs_spin), 5);

  self->check_button = gtk_button_new_with_mnemonic (_("C_heck"));
  gtk_widget_add_css_class (self->check_button, "suggested-action");
  gtk_widget_set_halign (self->check_button, GTK_ALIGN_END);
  g_signal_connect (self->check_button, "clicked", G_CALLBACK (check_clicked), self);
  gtk_grid_attach (GTK_GRID (grid), self->check_button, 1, 3, 1, 1);

  self->result_label = gtk_label_new (_("Runs the setup once, then the code each run, each run "
                                        "followed by gc.collect() and a capture."));
  gtk_label_set_wrap (GTK_LABEL (self->result_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->result_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->result_label), TRUE);
  gtk_grid_attach (GTK_GRID (grid), self->result_label, 0, 4, 2, 1);
  self->survivors_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->survivors_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->survivors_label), TRUE);
  gtk_widget_add_css_class (self->survivors_label, "monospace");
  gtk_grid_attach (GTK_GRID (grid), self->survivors_label, 0, 5, 2, 1);

  gtk_window_set_child (GTK_WINDOW (self), grid);
}

/**
 * mpy_leak_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @board: the board to check on
 *
 * Returns: (transfer floating): a new Leak check window
 */
GtkWidget *
mpy_leak_dialog_new (GtkWindow *parent,
                     MpyBoard  *board)
{
  MpyLeakDialog *self;

  g_return_val_if_fail (MPY_IS_BOARD (board), NULL);

  self = g_object_new (MPY_TYPE_LEAK_DIALOG, "transient-for", parent, NULL);
  self->board = g_object_ref (board);
  return GTK_WIDGET (self);
}

/**
 * mpy_leak_dialog_set_code:
 * @setup: (nullable): run once first
 * @code: run each run
 * @runs: how many runs (2…100)
 */
void
mpy_leak_dialog_set_code (MpyLeakDialog *self,
                          const char    *setup,
                          const char    *code,
                          guint          runs)
{
  g_return_if_fail (MPY_IS_LEAK_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->setup_entry), setup != NULL ? setup : "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), code != NULL ? code : "");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->runs_spin), runs);
}

const MpyLeakReport *
mpy_leak_dialog_get_report (MpyLeakDialog *self)
{
  g_return_val_if_fail (MPY_IS_LEAK_DIALOG (self), NULL);
  return self->report;
}

const char *
mpy_leak_dialog_get_result_text (MpyLeakDialog *self)
{
  g_return_val_if_fail (MPY_IS_LEAK_DIALOG (self), NULL);
  return self->result_text;
}

GPtrArray *
mpy_leak_dialog_get_snapshots (MpyLeakDialog *self)
{
  g_return_val_if_fail (MPY_IS_LEAK_DIALOG (self), NULL);
  return self->snapshots;
}
