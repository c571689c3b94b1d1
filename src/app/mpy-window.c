/* mpy-window.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is the view of one MpyDocument: the list, the canvas and the figures of what is
 * selected, and the banners. The document holds the data.
 */

#include <glib/gi18n.h>

#include "mpy-figures-panel.h"
#include "mpy-damage-band.h"
#include "mpy-heap-view.h"
#include "mpy-legend.h"
#include "mpy-snapshot-item.h"
#include "mpy-snapshot-row.h"
#include "mpy-timeline.h"
#include "mpy-window-private.h"

G_DEFINE_FINAL_TYPE (MpyWindow, mpy_window, GTK_TYPE_APPLICATION_WINDOW)

/* How long the undo banner stays after a delete or rename. */
#define UNDO_BANNER_SECONDS 10

static void
selection_changed_cb (MpyWindow         *self,
                      guint              position,
                      guint              n_items,
                      GtkSelectionModel *selection)
{
  _mpy_window_update_view (self);
}

static void
items_changed_cb (MpyWindow  *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *model)
{
  /* An emptied list (the sample replaced): the next snapshot starts fitted to the window. */
  if (g_list_model_get_n_items (model) == 0)
    self->fitted_blocks = 0;
  _mpy_window_update_view (self);
}

static void
item_changed_cb (MpyWindow       *self,
                 MpySnapshotItem *item,
                 MpyDocument     *document)
{
  _mpy_window_update_view (self);
}

static void
document_title_cb (MpyWindow   *self,
                   GParamSpec  *pspec,
                   MpyDocument *document)
{
  g_autofree char *title = mpy_document_dup_title (document);

  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
document_undo_cb (MpyWindow   *self,
                  GParamSpec  *pspec,
                  MpyDocument *document)
{
  /* Nothing left to undo (a new document, an undone step): the banner goes. */
  if (!mpy_document_get_can_undo (document))
    {
      g_clear_handle_id (&self->undo_timeout_id, g_source_remove);
      gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
    }
  _mpy_window_update_actions (self);
}

/* The journal could not be written: say so, so the user saves before anything can be lost. */
static void
journal_failed_cb (MpyWindow   *self,
                   const char  *message,
                   MpyDocument *document)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);

  mpy_window_show_error (self, _("Captures are not being autosaved: save the session now"), error);
}

static void
snapshot_setup_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, mpy_snapshot_row_new ());
}

static void
snapshot_bind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  MpySnapshotRow *row = MPY_SNAPSHOT_ROW (gtk_list_item_get_child (list_item));

  mpy_snapshot_row_set_item (row, gtk_list_item_get_item (list_item));
}

static void
snapshot_unbind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  MpySnapshotRow *row = MPY_SNAPSHOT_ROW (gtk_list_item_get_child (list_item));

  mpy_snapshot_row_set_item (row, NULL);
}

static void
snapshot_activate_cb (MpyWindow   *self,
                      guint        position,
                      GtkListView *view)
{
  g_autoptr(MpySnapshotItem) item = g_list_model_get_item (mpy_document_get_snapshots (self->document), position);

  if (item != NULL)
    mpy_snapshot_item_request_rename (item);
}

static void
error_bar_response_cb (MpyWindow  *self,
                       int         response,
                       GtkInfoBar *bar)
{
  gtk_info_bar_set_revealed (bar, FALSE);
}

static void
undo_bar_close_cb (MpyWindow *self,
                   GtkButton *button)
{
  g_clear_handle_id (&self->undo_timeout_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
}

static gboolean
undo_timeout_cb (gpointer data)
{
  MpyWindow *self = data;

  self->undo_timeout_id = 0;
  gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

/* A toast over the content: what was just done, with Undo (Ctrl+Z). */
void
_mpy_window_show_undo (MpyWindow *self)
{
  const char *text = mpy_document_get_undo_text (self->document);

  if (text == NULL)
    return;

  gtk_label_set_text (self->undo_label, text);
  gtk_revealer_set_reveal_child (self->undo_revealer, TRUE);
  g_clear_handle_id (&self->undo_timeout_id, g_source_remove);
  self->undo_timeout_id = g_timeout_add_seconds (UNDO_BANNER_SECONDS, undo_timeout_cb, self);
}

static void
device_error_cb (MpyWindow        *self,
                 GError           *error,
                 MpyDeviceSidebar *sidebar)
{
  mpy_window_show_error (self, _("The board did not do what was asked"), error);
}

static void
device_busy_cb (MpyWindow        *self,
                GParamSpec       *pspec,
                MpyDeviceSidebar *sidebar)
{
  _mpy_window_update_actions (self);
}

static gboolean
drop_cb (MpyWindow     *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *list = g_value_get_boxed (value);
      g_autoptr(GPtrArray) files = g_ptr_array_new ();

      for (GSList *l = list; l != NULL; l = l->next)
        g_ptr_array_add (files, l->data);
      if (files->len == 0)
        return FALSE;

      mpy_window_open_files (self, (GFile **) files->pdata, files->len);
      return TRUE;
    }

  if (G_VALUE_HOLDS_STRING (value))
    {
      mpy_window_add_text (self, g_value_get_string (value));
      return TRUE;
    }

  return FALSE;
}

typedef struct
{
  guint position;
  guint frames;
} ScrollLater;

static gboolean
scroll_later_tick (GtkWidget     *list,
                   GdkFrameClock *clock,
                   gpointer       data)
{
  ScrollLater *later = data;

  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));

  if (++later->frames < 2)
    return G_SOURCE_CONTINUE;
  if (model != NULL && later->position < g_list_model_get_n_items (model))
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", later->position);
  return G_SOURCE_REMOVE;
}

void
_mpy_window_scroll_to (MpyWindow *self,
                       guint      position)
{
  ScrollLater *later;

  if (self->snapshot_view == NULL
      || position >= g_list_model_get_n_items (mpy_document_get_snapshots (self->document)))
    return;
  gtk_widget_activate_action (GTK_WIDGET (self->snapshot_view), "list.scroll-to-item", "u", position);
  /* Again once the list has laid out the rows just added: asked in the same main loop turn
   * as a list that had none got them, GTK 4.8's list view stays at the top. */
  later = g_new0 (ScrollLater, 1);
  later->position = position;
  gtk_widget_add_tick_callback (GTK_WIDGET (self->snapshot_view), scroll_later_tick, later, g_free);
}

void
mpy_window_add_snapshots (MpyWindow *self,
                          GPtrArray *snapshots,
                          gboolean   select)
{
  guint position;

  g_return_if_fail (MPY_IS_WINDOW (self));
  g_return_if_fail (snapshots != NULL);

  if (snapshots->len == 0)
    return;
  position = mpy_document_add (self->document, snapshots, select);
  if (select)
    _mpy_window_scroll_to (self, position + snapshots->len - 1);
}

void
_mpy_window_add_captured (MpyWindow *self,
                          GPtrArray *snapshots)
{
  /* Selecting the new ones alone (a pair shows as a diff at once). */
  gtk_selection_model_unselect_all (mpy_document_get_selection (self->document));
  mpy_window_add_snapshots (self, snapshots, TRUE);

  /* The keyboard is back on the list, on the new capture, for the next step. */
  if (self->snapshot_view != NULL && gtk_widget_get_mapped (GTK_WIDGET (self->snapshot_view)))
    gtk_widget_grab_focus (GTK_WIDGET (self->snapshot_view));
}

static gboolean
mpy_window_close_request (GtkWindow *window)
{
  MpyWindow *self = MPY_WINDOW (window);

  /* Unsaved changes: Save / Discard / Cancel first. */
  if (!_mpy_window_confirm_close (self))
    return TRUE;

  /* Closing ends a board operation too, so the port is released at once; whatever was
   * captured before stays in the journal, which the next start offers back. */
  if (self->device_sidebar != NULL)
    mpy_device_sidebar_cancel (self->device_sidebar);
  mpy_document_flush_journal (self->document);

  return GTK_WINDOW_CLASS (mpy_window_parent_class)->close_request (window);
}

static void
mpy_window_dispose (GObject *object)
{
  MpyWindow *self = (MpyWindow *) object;

  g_cancellable_cancel (self->cancellable);
  /* Closing the window ends a board operation too: the port is released at once. */
  if (self->device_sidebar != NULL)
    mpy_device_sidebar_cancel (self->device_sidebar);

  g_clear_handle_id (&self->undo_timeout_id, g_source_remove);
  _mpy_window_timeline_dispose (self);
  if (self->close_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->close_dialog)));
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (mpy_document_get_snapshots (self->document), self);
      g_signal_handlers_disconnect_by_data (mpy_document_get_selection (self->document), self);
      mpy_document_flush_journal (self->document);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), MPY_TYPE_WINDOW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  /* Not answered: the journals stay for the next start. */
  g_clear_pointer (&self->drafts, g_ptr_array_unref);
  g_clear_pointer (&self->shown_snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->shown_diff, mpy_diff_unref);
  g_clear_pointer (&self->view_message, g_free);

  G_OBJECT_CLASS (mpy_window_parent_class)->dispose (object);
}

static void
mpy_window_finalize (GObject *object)
{
  MpyWindow *self = (MpyWindow *) object;

  /* Last: a capture that ends after the window closed still adds to the document, whose
   * journal (unlocked once it is gone) the next start offers back. */
  g_clear_object (&self->document);

  G_OBJECT_CLASS (mpy_window_parent_class)->finalize (object);
}

static void
mpy_window_class_init (MpyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mpy_window_dispose;
  object_class->finalize = mpy_window_finalize;
  window_class->close_request = mpy_window_close_request;

  g_type_ensure (MPY_TYPE_DEVICE_SIDEBAR);
  g_type_ensure (MPY_TYPE_HEAP_VIEW);
  g_type_ensure (MPY_TYPE_FIGURES_PANEL);
  g_type_ensure (MPY_TYPE_LEGEND);
  g_type_ensure (MPY_TYPE_DAMAGE_BAND);
  g_type_ensure (MPY_TYPE_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/MpyMemMap/mpy-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, restore_bar);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, restore_label);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, undo_revealer);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, undo_label);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, device_sidebar);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, snapshot_view);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, selection_hint);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, view_title);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, view_stack);
  gtk_widget_class_bind_template_child_full (widget_class, "view_message", FALSE,
                                             G_STRUCT_OFFSET (MpyWindow, view_message_label));
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, canvas_scroller);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, figures_scroller);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, content_paned);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, heap_view);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, figures_panel);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, timeline_revealer);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, playback_controls);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, console_expander);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, console_view);
  _mpy_window_timeline_class_init (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, error_bar_response_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "restore_bar_response_cb",
                                                G_CALLBACK (_mpy_window_restore_bar_response_cb));
  gtk_widget_class_bind_template_callback (widget_class, undo_bar_close_cb);
  gtk_widget_class_bind_template_callback (widget_class, device_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, device_busy_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "device_path_cb",
                                                G_CALLBACK (_mpy_window_device_path_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "device_lines_cb",
                                                G_CALLBACK (_mpy_window_device_lines_cb));
  gtk_widget_class_bind_template_callback (widget_class, snapshot_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, snapshot_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, snapshot_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, snapshot_unbind_cb);

  _mpy_window_class_actions_init (widget_class);
}

/* The figures column's first width, once the paned knows its size: a quarter of it, at least
 * the column's minimum and at most 360 px, so that a window opened large (1920 px, or
 * maximized from the last session) gives the canvas the room, not the figures. Afterwards
 * the column keeps its width (resize-end-child is off) unless the user drags the handle. */
static void
place_figures_column (MpyWindow  *self,
                      GParamSpec *pspec,
                      GtkPaned   *paned)
{
  int total = gtk_widget_get_width (GTK_WIDGET (paned));
  int max_position, end_min, width;

  if (total <= 0)
    return;
  g_object_get (paned, "max-position", &max_position, NULL);
  gtk_widget_measure (gtk_paned_get_end_child (paned), GTK_ORIENTATION_HORIZONTAL, -1,
                      &end_min, NULL, NULL, NULL);
  width = CLAMP (total / 4, end_min, MAX (end_min, 360));
  g_signal_handlers_disconnect_by_func (paned, place_figures_column, self);
  /* (max-position leaves the figures their minimum; GTK clamps to the canvas's minimum) */
  gtk_paned_set_position (paned, MAX (0, max_position - (width - end_min)));
}

static void
mpy_window_init (MpyWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->content_paned, "notify::max-position",
                           G_CALLBACK (place_figures_column), self, G_CONNECT_SWAPPED);
  /* the figures panel's "Fits?" answer is outlined on the canvas */
  g_signal_connect_object (self->figures_panel, "fit-changed",
                           G_CALLBACK (_mpy_window_fit_changed_cb), self, G_CONNECT_SWAPPED);

  self->cancellable = g_cancellable_new ();
  self->document = mpy_document_new ();
  g_signal_connect_object (mpy_document_get_selection (self->document), "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (mpy_document_get_snapshots (self->document), "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "notify::title",
                           G_CALLBACK (document_title_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "notify::can-undo",
                           G_CALLBACK (document_undo_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "item-changed",
                           G_CALLBACK (item_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "journal-failed",
                           G_CALLBACK (journal_failed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->snapshot_view, mpy_document_get_selection (self->document));

  /* Files from a file manager, or dump text from an editor (GTypes cannot be set in a .ui). */
  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_STRING }, 2);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  _mpy_window_files_init (self);
  _mpy_window_actions_init (self);
  _mpy_window_settings_init (self);
  _mpy_window_timeline_init (self);
  _mpy_window_update_view (self);
  document_title_cb (self, NULL, self->document);
}

MpyWindow *
mpy_window_new (GtkApplication *application)
{
  return g_object_new (MPY_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

MpyDocument *
mpy_window_get_document (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->document;
}

void
mpy_window_load_sample (MpyWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MPY_IS_WINDOW (self));

  if (!mpy_document_load_sample (self->document, &error))
    mpy_window_show_error (self, _("The sample session could not be read"), error);
}

const char *
mpy_window_get_autosave_path (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return mpy_document_get_journal_path (self->document);
}

void
mpy_window_load_initial (MpyWindow *self)
{
  g_return_if_fail (MPY_IS_WINDOW (self));

  /* The sample shows behind the offer, so the window is never empty. */
  mpy_window_load_sample (self);
  mpy_window_offer_restore (self);
}

void
mpy_window_add_text (MpyWindow  *self,
                     const char *text)
{
  g_autoptr(GError) error = NULL;
  guint n;

  g_return_if_fail (MPY_IS_WINDOW (self));

  n = g_list_model_get_n_items (mpy_document_get_snapshots (self->document));
  if (!mpy_document_add_text (self->document, text, &error))
    {
      mpy_window_show_error (self, text == NULL || *text == '\0' ? _("Nothing was pasted")
                                                                 : _("The text holds no heap dump"),
                             error);
      return;
    }
  n = g_list_model_get_n_items (mpy_document_get_snapshots (self->document));
  _mpy_window_scroll_to (self, n - 1);
}

GListModel *
mpy_window_get_snapshots (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return mpy_document_get_snapshots (self->document);
}

GtkSelectionModel *
mpy_window_get_selection (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return mpy_document_get_selection (self->document);
}

GFile *
mpy_window_get_file (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return mpy_document_get_file (self->document);
}

MpyViewMode
mpy_window_get_view_mode (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), MPY_VIEW_EMPTY);

  return self->view_mode;
}

const char *
mpy_window_get_view_message (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->view_message;
}

const char *
mpy_window_get_view_title (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return gtk_label_get_text (self->view_title);
}

MpySnapshot *
mpy_window_get_shown_snapshot (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->shown_snapshot;
}

MpyDiff *
mpy_window_get_shown_diff (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->shown_diff;
}

GtkWidget *
mpy_window_get_heap_view (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->heap_view;
}

char *
mpy_window_dup_console_text (MpyWindow *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->console_expander)))
    return NULL;
  buffer = gtk_text_view_get_buffer (self->console_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

GtkWidget *
mpy_window_get_figures_panel (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->figures_panel;
}

MpyDeviceSidebar *
mpy_window_get_device_sidebar (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->device_sidebar;
}

GtkListView *
mpy_window_get_list_view (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->snapshot_view;
}

void
mpy_window_show_error (MpyWindow    *self,
                       const char   *what,
                       const GError *error)
{
  g_autofree char *markup = NULL;

  g_return_if_fail (MPY_IS_WINDOW (self));
  g_return_if_fail (what != NULL);

  /* A late result for a window already closed: nobody to tell. */
  if (self->error_label == NULL)
    return;

  markup = g_markup_printf_escaped ("<b>%s</b>%s%s", what,
                                    error ? "\n" : "",
                                    error ? error->message : "");
  gtk_label_set_markup (self->error_label, markup);
  gtk_info_bar_set_revealed (self->error_bar, TRUE);
}

const char *
mpy_window_get_error_message (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  if (!gtk_info_bar_get_revealed (self->error_bar))
    return NULL;

  return gtk_label_get_text (self->error_label);
}

const char *
mpy_window_get_undo_message (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->undo_revealer))
    return NULL;

  return gtk_label_get_text (self->undo_label);
}
