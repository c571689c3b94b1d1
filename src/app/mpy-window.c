/* mpy-window.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-session.h"
#include "mpy-snapshot-item.h"
#include "mpy-snapshot-row.h"
#include "mpy-window-private.h"

#ifdef HAVE_WIDGETS
# include "mpy-figures-panel.h"
# include "mpy-heap-view.h"
#endif

G_DEFINE_FINAL_TYPE (MpyWindow, mpy_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  RESTORE_RESPONSE_DISCARD = 1,
  RESTORE_RESPONSE_RESTORE = 2,
};

static const char *
item_label (MpySnapshotItem *item)
{
  return mpy_snapshot_item_get_label (item);
}

static void
set_view_message (MpyWindow   *self,
                  MpyViewMode  mode,
                  const char  *message)
{
  self->view_mode = mode;
  g_free (self->view_message);
  self->view_message = g_strdup (message);
  gtk_label_set_text (self->view_message_label, message);
  gtk_stack_set_visible_child_name (self->view_stack, "message");
}

#ifdef HAVE_WIDGETS
static gboolean
fit_when_allocated_cb (GtkWidget     *widget,
                       GdkFrameClock *frame_clock,
                       gpointer       user_data)
{
  MpyWindow *self = user_data;

  if (gtk_widget_get_width (widget) <= 0)
    return G_SOURCE_CONTINUE;

  mpy_heap_view_zoom_fit (MPY_HEAP_VIEW (widget));
  self->fit_tick_id = 0;
  return G_SOURCE_REMOVE;
}
#endif

static void
show_on_canvas (MpyWindow   *self,
                MpySnapshot *snapshot,
                MpyDiff     *diff)
{
  gsize n_blocks;

  if (snapshot != self->shown_snapshot)
    {
      g_clear_pointer (&self->shown_snapshot, mpy_snapshot_unref);
      self->shown_snapshot = snapshot ? mpy_snapshot_ref (snapshot) : NULL;
    }
  if (diff != self->shown_diff)
    {
      g_clear_pointer (&self->shown_diff, mpy_diff_unref);
      self->shown_diff = diff ? mpy_diff_ref (diff) : NULL;
    }

#ifdef HAVE_WIDGETS
  mpy_heap_view_set_snapshot (MPY_HEAP_VIEW (self->heap_view), snapshot);
  if (diff != NULL)
    mpy_heap_view_set_diff (MPY_HEAP_VIEW (self->heap_view), diff);
  if (diff != NULL)
    mpy_figures_panel_set_diff (MPY_FIGURES_PANEL (self->figures_panel), diff);
  else
    mpy_figures_panel_set_snapshot (MPY_FIGURES_PANEL (self->figures_panel), snapshot);
#else
  {
    g_autofree char *text = NULL;

    text = g_strdup_printf (_("%s\n\n(This build has no heap canvas.)"),
                            snapshot ? mpy_snapshot_get_label (snapshot) : "");
    gtk_label_set_text (GTK_LABEL (self->heap_view), text);
  }
#endif

  /* A new layout (another board, another heap size) starts fitted to the window. */
  n_blocks = snapshot && mpy_snapshot_has_map (snapshot) ? mpy_snapshot_get_n_blocks (snapshot) : 0;
  if (n_blocks != 0 && n_blocks != self->fitted_blocks)
    {
      self->fitted_blocks = n_blocks;
#ifdef HAVE_WIDGETS
      if (gtk_widget_get_width (self->heap_view) > 0)
        mpy_heap_view_zoom_fit (MPY_HEAP_VIEW (self->heap_view));
      else if (self->fit_tick_id == 0)
        /* Not allocated yet: fit on the first frame that has a size. */
        self->fit_tick_id = gtk_widget_add_tick_callback (self->heap_view, fit_when_allocated_cb,
                                                          self, NULL);
#endif
    }
}

static void
set_figures_note (MpyWindow  *self,
                  const char *note)
{
#ifdef HAVE_WIDGETS
  mpy_figures_panel_set_note (MPY_FIGURES_PANEL (self->figures_panel), note);
#endif
}

static void
clear_figures (MpyWindow  *self,
               const char *note)
{
#ifdef HAVE_WIDGETS
  mpy_figures_panel_set_note (MPY_FIGURES_PANEL (self->figures_panel), note);
  mpy_figures_panel_set_snapshot (MPY_FIGURES_PANEL (self->figures_panel), NULL);
#endif
}

/* The diff's reason without its own "the snapshots cannot be compared: " lead, which the
 * window's sentence already says. */
static const char *
incompatible_reason (const GError *error)
{
  const char *lead = strstr (error->message, "cannot be compared: ");

  return lead != NULL ? lead + strlen ("cannot be compared: ") : error->message;
}

/* The heading over the canvas; a damaged dump says so there, never shown as if whole. */
static void
set_title_for (MpyWindow   *self,
               MpySnapshot *snapshot,
               const char  *title)
{
  if (snapshot != NULL && mpy_snapshot_is_damaged (snapshot))
    {
      const char *reason = mpy_snapshot_get_damage_reason (snapshot);
      g_autofree char *text = NULL;

      /* Translators: a heading, then why the dump is damaged */
      text = g_strdup_printf (_("%s — damaged dump: %s"), title,
                              reason ? reason : _("its map disagrees with its figures"));
      gtk_label_set_text (self->view_title, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->view_title), text);
      gtk_widget_add_css_class (GTK_WIDGET (self->view_title), "warning");
    }
  else
    {
      gtk_label_set_text (self->view_title, title);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->view_title), NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self->view_title), "warning");
    }
}

static void
mpy_window_update_view (MpyWindow *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));
  guint64 n_selected;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  n_selected = gtk_bitset_get_size (selected);

  if (n_items == 0)
    {
      set_title_for (self, NULL, "");
      show_on_canvas (self, NULL, NULL);
      clear_figures (self, NULL);
      set_view_message (self, MPY_VIEW_EMPTY,
                        _("No snapshots yet.\n\nPick your board on the left and press Capture, open a session or a console log (Ctrl+O), drop a file here, or paste a mem_info(1) dump (Ctrl+V)."));
    }
  else if (n_selected == 0)
    {
      set_title_for (self, NULL, "");
      show_on_canvas (self, NULL, NULL);
      clear_figures (self, NULL);
      set_view_message (self, MPY_VIEW_EMPTY,
                        _("Select a snapshot to see its map, or two to compare them."));
    }
  else if (n_selected == 1)
    {
      g_autoptr(MpySnapshotItem) item = NULL;
      MpySnapshot *snapshot;

      item = g_list_model_get_item (G_LIST_MODEL (self->snapshots), gtk_bitset_get_nth (selected, 0));
      snapshot = mpy_snapshot_item_get_snapshot (item);
      set_title_for (self, snapshot, item_label (item));
      set_figures_note (self, NULL);
      show_on_canvas (self, snapshot, NULL);

      if (!mpy_snapshot_has_map (snapshot))
        set_view_message (self, MPY_VIEW_MESSAGE,
                          _("This snapshot holds figures only: it was taken with mem_info() without argument, which prints no block map. Its figures are on the right."));
      else
        {
          self->view_mode = MPY_VIEW_MAP;
          g_clear_pointer (&self->view_message, g_free);
          gtk_stack_set_visible_child_name (self->view_stack, "canvas");
        }
    }
  else if (n_selected == 2)
    {
      g_autoptr(MpySnapshotItem) first = NULL;
      g_autoptr(MpySnapshotItem) second = NULL;
      g_autoptr(MpyDiff) diff = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *title = NULL;
      MpySnapshot *before, *after;
      GDateTime *t1, *t2;

      first = g_list_model_get_item (G_LIST_MODEL (self->snapshots), gtk_bitset_get_nth (selected, 0));
      second = g_list_model_get_item (G_LIST_MODEL (self->snapshots), gtk_bitset_get_nth (selected, 1));
      before = mpy_snapshot_item_get_snapshot (first);
      after = mpy_snapshot_item_get_snapshot (second);

      /* The later over the earlier: by time when both have one, else by list order. */
      t1 = mpy_snapshot_get_time (before);
      t2 = mpy_snapshot_get_time (after);
      if (t1 != NULL && t2 != NULL && g_date_time_compare (t1, t2) > 0)
        {
          MpySnapshot *tmp = before;
          MpySnapshotItem *tmp_item = first;

          before = after;
          after = tmp;
          first = second;
          second = tmp_item;
        }

      /* Translators: the diff of two snapshots, from the earlier to the later */
      title = g_strdup_printf (_("%s → %s"), item_label (first), item_label (second));
      set_title_for (self, mpy_snapshot_is_damaged (before) ? before : after, title);

      diff = mpy_diff_new (before, after, &error);
      if (diff == NULL)
        {
          g_autofree char *message = NULL;
          g_autofree char *note = NULL;

          /* Translators: over the figures when two selected snapshots cannot be compared */
          note = g_strdup_printf (_("These two cannot be compared; the figures below are of “%s” only."),
                                  item_label (second));
          set_figures_note (self, note);
          show_on_canvas (self, after, NULL);
          message = g_strdup_printf (_("These two snapshots cannot be compared: %s\n\nA diff needs two snapshots of the same board and heap layout. Select one to see its map."),
                                     incompatible_reason (error));
          set_view_message (self, MPY_VIEW_MESSAGE, message);
        }
      else
        {
          set_figures_note (self, NULL);
          show_on_canvas (self, after, diff);
          self->view_mode = MPY_VIEW_DIFF;
          g_clear_pointer (&self->view_message, g_free);
          gtk_stack_set_visible_child_name (self->view_stack, "canvas");
        }
    }
  else
    {
      g_autofree char *message = NULL;
      g_autofree char *note = NULL;

      set_title_for (self, NULL, "");
      show_on_canvas (self, NULL, NULL);
      note = g_strdup_printf (ngettext ("%u snapshot selected: select two to compare",
                                        "%u snapshots selected: select two to compare",
                                        (gulong) n_selected),
                              (guint) n_selected);
      clear_figures (self, note);
      message = g_strdup_printf (ngettext ("%u snapshot selected.\n\nSelect one snapshot to see its map, or exactly two to compare them: click one, then Ctrl+click the other, or drag over two neighbours.",
                                           "%u snapshots selected.\n\nSelect one snapshot to see its map, or exactly two to compare them: click one, then Ctrl+click the other, or drag over two neighbours.",
                                           (gulong) n_selected),
                                 (guint) n_selected);
      set_view_message (self, MPY_VIEW_MESSAGE, message);
    }

  _mpy_window_update_actions (self);
}

static void
selection_changed_cb (MpyWindow         *self,
                      guint              position,
                      guint              n_items,
                      GtkSelectionModel *selection)
{
  mpy_window_update_view (self);
}

static void
items_changed_cb (MpyWindow  *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *model)
{
  mpy_window_update_view (self);
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
                  MpyWindow                *self)
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

/* Items whose snapshot was read from a file the user has: the journal leaves them out. */
static GQuark
on_disk_quark (void)
{
  return g_quark_from_static_string ("mpy-window-on-disk");
}

static void
item_notify_cb (MpyWindow       *self,
                GParamSpec      *pspec,
                MpySnapshotItem *item)
{
  /* A rename: journal it (a renamed snapshot from a file is no longer what the file holds)
   * and refresh the title. */
  g_object_set_qdata (G_OBJECT (item), on_disk_quark (), NULL);
  self->dirty = TRUE;
  self->showing_sample = FALSE;
  _mpy_window_sync_autosave (self);
  _mpy_window_update_title (self);
  mpy_window_update_view (self);
}

static void
snapshot_activate_cb (MpyWindow   *self,
                      guint        position,
                      GtkListView *view)
{
  g_autoptr(MpySnapshotItem) item = g_list_model_get_item (G_LIST_MODEL (self->snapshots), position);

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
restore_bar_response_cb (MpyWindow  *self,
                         int         response,
                         GtkInfoBar *bar)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending_restore);
  g_autoptr(GPtrArray) claims = g_steal_pointer (&self->restore_claims);

  gtk_info_bar_set_revealed (bar, FALSE);

  /* Restored snapshots go to this window's journal, and are on disk before the journals they
   * came from are deleted. */
  if (response == RESTORE_RESPONSE_RESTORE && pending != NULL)
    {
      mpy_window_add_snapshots (self, pending, TRUE);
      if (self->autosave != NULL)
        mpy_autosave_flush (self->autosave);
    }

  /* Restore or Discard: the journals of the ended runs are done with. Only those this window
   * claimed: a running instance's journal is never touched. */
  if (claims != NULL && (response == RESTORE_RESPONSE_RESTORE || response == RESTORE_RESPONSE_DISCARD))
    for (guint i = 0; i < claims->len; i++)
      mpy_journal_lock_discard (g_steal_pointer (&claims->pdata[i]));

  _mpy_window_sync_autosave (self);
}

static void
device_error_cb (MpyWindow        *self,
                 GError           *error,
                 MpyDeviceSidebar *sidebar)
{
  mpy_window_show_error (self, _("The board did not do what was asked"), error);
}

static const char *line_names[] = { "default", "on", "off" };

static guint
line_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (line_names); i++)
    if (g_strcmp0 (name, line_names[i]) == 0)
      return i;
  return 0;
}

/* The per-port DTR/RTS overrides follow the port the user picks. */
static void
device_path_cb (MpyWindow        *self,
                GParamSpec       *pspec,
                MpyDeviceSidebar *sidebar)
{
  g_autoptr(GVariant) overrides = NULL;
  const char *path = mpy_device_sidebar_get_path (sidebar);
  const char *dtr = NULL, *rts = NULL;

  if (!_mpy_window_has_setting (self, "line-overrides"))
    return;

  overrides = g_settings_get_value (self->settings, "line-overrides");
  g_variant_lookup (overrides, path, "(&s&s)", &dtr, &rts);

  self->loading_lines = TRUE;
  mpy_device_sidebar_set_lines (sidebar, line_from_name (dtr), line_from_name (rts));
  self->loading_lines = FALSE;
}

static void
device_lines_cb (MpyWindow        *self,
                 GParamSpec       *pspec,
                 MpyDeviceSidebar *sidebar)
{
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *path = mpy_device_sidebar_get_path (sidebar);
  const char *key, *dtr, *rts;
  guint new_dtr = mpy_device_sidebar_get_dtr (sidebar);
  guint new_rts = mpy_device_sidebar_get_rts (sidebar);

  if (self->loading_lines || path == NULL || *path == '\0'
      || !_mpy_window_has_setting (self, "line-overrides"))
    return;

  old = g_settings_get_value (self->settings, "line-overrides");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(ss)}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s(&s&s)}", &key, &dtr, &rts))
    if (g_strcmp0 (key, path) != 0)
      g_variant_builder_add (&builder, "{s(ss)}", key, dtr, rts);
  /* Both at their default: nothing to remember for this port. */
  if (new_dtr != 0 || new_rts != 0)
    g_variant_builder_add (&builder, "{s(ss)}", path, line_names[MIN (new_dtr, 2)], line_names[MIN (new_rts, 2)]);
  g_settings_set_value (self->settings, "line-overrides", g_variant_builder_end (&builder));
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

GPtrArray *
_mpy_window_collect_snapshots (MpyWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));
  GPtrArray *array = g_ptr_array_new_full (n, (GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MpySnapshotItem) item = g_list_model_get_item (G_LIST_MODEL (self->snapshots), i);
      g_ptr_array_add (array, mpy_snapshot_ref (mpy_snapshot_item_get_snapshot (item)));
    }

  return array;
}

void
_mpy_window_sync_autosave (MpyWindow *self)
{
  g_autoptr(GPtrArray) all = NULL;

  if (self->autosave == NULL)
    return;

  /* The sample needs no journal; a journal of an ended run is a file of its own. */
  all = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  if (!self->showing_sample)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(MpySnapshotItem) item = g_list_model_get_item (G_LIST_MODEL (self->snapshots), i);

          if (g_object_get_qdata (G_OBJECT (item), on_disk_quark ()) == NULL)
            g_ptr_array_add (all, mpy_snapshot_ref (mpy_snapshot_item_get_snapshot (item)));
        }
    }

  if (all->len == 0)
    mpy_autosave_clear (self->autosave);
  else
    mpy_autosave_replace (self->autosave, all);
}

void
_mpy_window_update_title (MpyWindow *self)
{
  g_autofree char *title = NULL;

  if (self->file != NULL)
    {
      g_autofree char *name = g_file_get_basename (self->file);
      title = g_strdup_printf ("%s%s — MpyMemMap", self->dirty ? "• " : "", name);
    }
  else if (self->showing_sample)
    title = g_strdup (_("Sample Session — MpyMemMap"));
  else
    title = g_strdup ("MpyMemMap");

  gtk_window_set_title (GTK_WINDOW (self), title);
}

static gboolean
mpy_window_close_request (GtkWindow *window)
{
  MpyWindow *self = MPY_WINDOW (window);

  /* Closing ends a board operation too, so the port is released at once; whatever was
   * captured before stays in the journal, which the next start offers back. */
  if (self->device_sidebar != NULL)
    mpy_device_sidebar_cancel (self->device_sidebar);
  if (self->autosave != NULL)
    mpy_autosave_flush (self->autosave);

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

  if (self->snapshots != NULL)
    g_signal_handlers_disconnect_by_data (self->snapshots, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), MPY_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->snapshots);
  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->pending_restore, g_ptr_array_unref);
  /* Not answered: the journals stay for the next start. */
  g_clear_pointer (&self->restore_claims, g_ptr_array_unref);
  g_clear_pointer (&self->shown_snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->shown_diff, mpy_diff_unref);
  g_clear_pointer (&self->view_message, g_free);
  if (self->autosave != NULL)
    mpy_autosave_flush (self->autosave);
  g_clear_object (&self->autosave);
  /* From now on the journal (if any) is one the next start offers back; without one, the
   * lock file goes too. */
  if (self->journal_lock != NULL && !g_file_test (self->journal_path, G_FILE_TEST_EXISTS))
    mpy_journal_lock_discard (g_steal_pointer (&self->journal_lock));
  g_clear_pointer (&self->journal_lock, mpy_journal_lock_free);

  G_OBJECT_CLASS (mpy_window_parent_class)->dispose (object);
}

static void
mpy_window_finalize (GObject *object)
{
  MpyWindow *self = (MpyWindow *) object;

  g_free (self->journal_path);

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

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/MpyMemMap/mpy-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, restore_bar);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, restore_label);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, device_sidebar);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, snapshot_view);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, selection_hint);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, view_title);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, view_stack);
  gtk_widget_class_bind_template_child_full (widget_class, "view_message", FALSE,
                                             G_STRUCT_OFFSET (MpyWindow, view_message_label));
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, canvas_scroller);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, figures_scroller);
  gtk_widget_class_bind_template_child (widget_class, MpyWindow, recent_section);
  gtk_widget_class_bind_template_callback (widget_class, error_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, restore_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, device_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, device_busy_cb);
  gtk_widget_class_bind_template_callback (widget_class, device_path_cb);
  gtk_widget_class_bind_template_callback (widget_class, device_lines_cb);
  gtk_widget_class_bind_template_callback (widget_class, snapshot_activate_cb);

  _mpy_window_class_actions_init (widget_class);
}

static GSettings *
lookup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running from the build tree the schema is not installed: then nothing is remembered. */
  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new (APP_ID);
}

/* Whether the installed schema has @key (an older installed schema may lack newer keys). */
gboolean
_mpy_window_has_setting (MpyWindow  *self,
                         const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (self->settings == NULL)
    return FALSE;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  return g_settings_schema_has_key (schema, key);
}

static void
bind_setting (MpyWindow  *self,
              const char *key,
              gpointer    object,
              const char *property)
{
  if (_mpy_window_has_setting (self, key))
    g_settings_bind (self->settings, key, object, property, G_SETTINGS_BIND_DEFAULT);
}

void
_mpy_window_remember_folder (MpyWindow  *self,
                             const char *key,
                             GFile      *file)
{
  g_autoptr(GFile) parent = NULL;
  g_autofree char *path = NULL;

  if (!_mpy_window_has_setting (self, key) || file == NULL)
    return;

  parent = g_file_get_parent (file);
  path = parent ? g_file_get_path (parent) : NULL;
  if (path != NULL)
    g_settings_set_string (self->settings, key, path);
}

void
_mpy_window_restore_folder (MpyWindow      *self,
                            const char     *key,
                            GtkFileChooser *chooser)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) folder = NULL;

  if (!_mpy_window_has_setting (self, key))
    return;

  path = g_settings_get_string (self->settings, key);
  if (path == NULL || *path == '\0' || !g_file_test (path, G_FILE_TEST_IS_DIR))
    return;

  folder = g_file_new_for_path (path);
  gtk_file_chooser_set_current_folder (chooser, folder, NULL);
}

void
_mpy_window_remember_recent (MpyWindow *self,
                             GFile     *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *path = g_file_get_path (file);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);

  if (path != NULL && _mpy_window_has_setting (self, "recent-files"))
    {
      g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-files");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) recent = NULL;
      guint n = 1;

      g_strv_builder_add (builder, path);
      for (guint i = 0; old[i] != NULL && n < 10; i++)
        if (g_strcmp0 (old[i], path) != 0)
          {
            g_strv_builder_add (builder, old[i]);
            n++;
          }
      recent = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "recent-files", (const char * const *) recent);
    }

  _mpy_window_update_recent_menu (self);
}

/* The main menu's Open Recent: the sessions and logs of the "recent-files" setting, else (no
 * schema installed) what GtkRecentManager remembers for this program. */
void
_mpy_window_update_recent_menu (MpyWindow *self)
{
  g_auto(GStrv) paths = NULL;
  guint n = 0;

  if (self->recent_section == NULL)
    return;

  g_menu_remove_all (self->recent_section);

  if (_mpy_window_has_setting (self, "recent-files"))
    paths = g_settings_get_strv (self->settings, "recent-files");
  else
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());

      for (GList *l = items; l != NULL; l = l->next)
        {
          GtkRecentInfo *info = l->data;
          g_autofree char *path = NULL;

          if (g_get_prgname () == NULL || !gtk_recent_info_has_application (info, g_get_prgname ()))
            continue;
          path = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
          if (path != NULL)
            g_strv_builder_add (builder, path);
        }
      g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
      paths = g_strv_builder_end (builder);
    }

  for (guint i = 0; paths[i] != NULL && n < 8; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (!g_file_test (paths[i], G_FILE_TEST_IS_REGULAR))
        continue;
      name = g_filename_display_basename (paths[i]);
      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", paths[i]);
      g_menu_append_item (self->recent_section, item);
      n++;
    }

  if (n == 0)
    {
      /* Without an action the item shows greyed out. */
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No recent files"), NULL);
      g_menu_append_item (self->recent_section, item);
    }
}

void
_mpy_window_remember_port (MpyWindow *self)
{
#ifdef HAVE_DEVICE
  MpyBoard *board = mpy_device_sidebar_get_board (self->device_sidebar);

  if (_mpy_window_has_setting (self, "last-port"))
    g_settings_set_string (self->settings, "last-port", mpy_board_get_address (board));
  if (_mpy_window_has_setting (self, "baud"))
    g_settings_set_uint (self->settings, "baud", mpy_board_get_baud (board));
#endif
}


/* The journal could not be written: say so, so the user saves before anything can be lost. */
static void
autosave_write_failed_cb (MpyWindow  *self,
                          const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);

  mpy_window_show_error (self, _("Captures are not being autosaved: save the session now"), error);
}

static void
mpy_window_init (MpyWindow *self)
{
  GtkListItemFactory *factory;
  GtkDropTarget *drop;
  g_autoptr(GError) lock_error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = lookup_settings ();

  self->snapshots = g_list_store_new (MPY_TYPE_SNAPSHOT_ITEM);
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->snapshots)));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->snapshots, "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (snapshot_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (snapshot_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (snapshot_unbind_cb), self);
  gtk_list_view_set_factory (self->snapshot_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->snapshot_view, GTK_SELECTION_MODEL (self->selection));
  gtk_list_view_set_enable_rubberband (self->snapshot_view, TRUE);

#ifdef HAVE_WIDGETS
  self->heap_view = mpy_heap_view_new ();
  self->figures_panel = mpy_figures_panel_new ();
#else
  self->heap_view = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->heap_view), TRUE);
  self->figures_panel = gtk_label_new (_("Figures appear here."));
#endif
  gtk_scrolled_window_set_child (self->canvas_scroller, self->heap_view);
#ifdef HAVE_WIDGETS
  /* The notebook's view options, as menu items that follow the canvas's properties. */
  {
    static const char *view_properties[] = { "columns", "rainbow", "show-free", "highlight-largest-free" };

    for (guint i = 0; i < G_N_ELEMENTS (view_properties); i++)
      {
        g_autoptr(GPropertyAction) action = g_property_action_new (view_properties[i], self->heap_view,
                                                                   view_properties[i]);
        g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
      }
  }
#endif
  gtk_scrolled_window_set_child (self->figures_scroller, self->figures_panel);

  gtk_info_bar_add_button (self->restore_bar, _("_Discard"), RESTORE_RESPONSE_DISCARD);
  gtk_info_bar_add_button (self->restore_bar, _("_Restore"), RESTORE_RESPONSE_RESTORE);
  gtk_info_bar_set_default_response (self->restore_bar, RESTORE_RESPONSE_RESTORE);

  /* Files from a file manager, or dump text from an editor. */
  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_STRING }, 2);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* A journal of this window's own, locked while it lives: another instance never offers it
   * for restore nor deletes it. */
  self->journal_path = mpy_journal_lock_new_own_path ();
  /* (A start tidying away a lock file just as it is made here makes one try fail.) */
  for (int i = 0; i < 3 && self->journal_lock == NULL; i++)
    {
      g_clear_error (&lock_error);
      self->journal_lock = mpy_journal_lock_try (self->journal_path, &lock_error);
    }
  if (self->journal_lock == NULL)
    g_warning ("%s", lock_error->message);
  self->autosave = mpy_autosave_new (self->journal_path);
  g_signal_connect_object (self->autosave, "write-failed",
                           G_CALLBACK (autosave_write_failed_cb), self, G_CONNECT_SWAPPED);

  bind_setting (self, "window-width", self, "default-width");
  bind_setting (self, "window-height", self, "default-height");
  bind_setting (self, "window-maximized", self, "maximized");
#ifdef HAVE_WIDGETS
  bind_setting (self, "columns", self->heap_view, "columns");
  bind_setting (self, "rainbow", self->heap_view, "rainbow");
  bind_setting (self, "show-free", self->heap_view, "show-free");
#endif
  if (_mpy_window_has_setting (self, "last-port"))
    {
      g_autofree char *port = g_settings_get_string (self->settings, "last-port");

      if (port != NULL && *port != '\0')
        mpy_device_sidebar_set_path (self->device_sidebar, port);
    }
  if (_mpy_window_has_setting (self, "baud"))
    mpy_device_sidebar_set_baud (self->device_sidebar, g_settings_get_uint (self->settings, "baud"));
  if (_mpy_window_has_setting (self, "gc-before-capture"))
    {
      /* A check item in the Capture menu; a soft reset is never remembered. */
      g_autoptr(GAction) action = g_settings_create_action (self->settings, "gc-before-capture");
      g_action_map_add_action (G_ACTION_MAP (self), action);
    }

  _mpy_window_update_recent_menu (self);
  mpy_window_update_view (self);
  _mpy_window_update_title (self);
}

MpyWindow *
mpy_window_new (GtkApplication *application)
{
  return g_object_new (MPY_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static GPtrArray *
read_sample (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  const char *data;

  bytes = g_resources_lookup_data ("/com/example/MpyMemMap/sample.mpysession",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  return mpy_session_read_text (data, length, error);
}

void
mpy_window_load_sample (MpyWindow *self)
{
  g_autoptr(GPtrArray) sample = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MPY_IS_WINDOW (self));

  sample = read_sample (&error);
  if (sample == NULL)
    {
      mpy_window_show_error (self, _("The sample session could not be read"), error);
      return;
    }

  g_list_store_remove_all (self->snapshots);
  for (guint i = 0; i < sample->len; i++)
    {
      g_autoptr(MpySnapshotItem) item = mpy_snapshot_item_new (g_ptr_array_index (sample, i));

      g_signal_connect_object (item, "notify::label", G_CALLBACK (item_notify_cb),
                               self, G_CONNECT_SWAPPED);
      g_list_store_append (self->snapshots, item);
    }

  self->showing_sample = TRUE;
  self->dirty = FALSE;
  g_clear_object (&self->file);

  /* Show the two neighbours that tell a story: the allocations, then what they left. */
  if (sample->len >= 3)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 1, TRUE);
  else if (sample->len > 0)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 0, TRUE);

  _mpy_window_update_title (self);
}

gboolean
mpy_window_offer_restore (MpyWindow *self)
{
  g_autoptr(GPtrArray) claims = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (MPY_IS_WINDOW (self), FALSE);

  if (self->restore_claims != NULL)
    return self->pending_restore != NULL;

  /* Only journals of runs that ended: a running instance holds the lock of its own. */
  claims = mpy_journal_lock_claim_orphans (NULL);
  journal = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  for (guint i = 0; i < claims->len; )
    {
      MpyJournalLock *lock = g_ptr_array_index (claims, i);
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;

      found = mpy_autosave_load (mpy_journal_lock_get_journal_path (lock), &error);
      if (error != NULL)
        {
          /* Kept as it is, and not claimed: nothing deletes it. */
          mpy_window_show_error (self, _("The autosave of an earlier run could not be read; it is kept as it is"), error);
          g_ptr_array_remove_index (claims, i);
          continue;
        }
      if (found != NULL)
        for (guint j = 0; j < found->len; j++)
          g_ptr_array_add (journal, mpy_snapshot_ref (g_ptr_array_index (found, j)));
      i++;
    }

  if (journal->len == 0)
    {
      /* Empty journals of ended runs: nothing to offer, nothing to keep. */
      for (guint i = 0; i < claims->len; i++)
        mpy_journal_lock_discard (g_steal_pointer (&claims->pdata[i]));
      return FALSE;
    }

  message = g_strdup_printf (ngettext ("%u snapshot of an earlier run was not saved. Restore it?",
                                       "%u snapshots of an earlier run were not saved. Restore them?",
                                       journal->len),
                             journal->len);
  gtk_label_set_text (self->restore_label, message);
  g_clear_pointer (&self->pending_restore, g_ptr_array_unref);
  self->pending_restore = g_steal_pointer (&journal);
  self->restore_claims = g_steal_pointer (&claims);
  gtk_info_bar_set_revealed (self->restore_bar, TRUE);

  return TRUE;
}

/**
 * mpy_window_get_autosave_path:
 *
 * Returns: the journal this window writes its unsaved snapshots to
 */
const char *
mpy_window_get_autosave_path (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->journal_path;
}

void
mpy_window_load_initial (MpyWindow *self)
{
  g_return_if_fail (MPY_IS_WINDOW (self));

  /* The sample shows behind the offer, so the window is never empty. */
  mpy_window_load_sample (self);
  mpy_window_offer_restore (self);
}

static void
connect_item (MpyWindow       *self,
              MpySnapshotItem *item)
{
  g_signal_connect_object (item, "notify::label", G_CALLBACK (item_notify_cb),
                           self, G_CONNECT_SWAPPED);
}

void
mpy_window_add_snapshots (MpyWindow *self,
                          GPtrArray *snapshots,
                          gboolean   select)
{
  _mpy_window_add_snapshots_full (self, snapshots, select, FALSE);
}

void
_mpy_window_add_snapshots_full (MpyWindow *self,
                                GPtrArray *snapshots,
                                gboolean   select,
                                gboolean   on_disk)
{
  g_autoptr(GPtrArray) items = NULL;
  guint position;

  g_return_if_fail (MPY_IS_WINDOW (self));
  g_return_if_fail (snapshots != NULL);

  if (snapshots->len == 0)
    return;

  if (self->snapshots == NULL && on_disk)
    return;

  if (self->snapshots == NULL)
    {
      /* The window closed while a capture ran: its journal (no longer locked, so the next start
       * offers it) still keeps what it brought. */
      g_autoptr(MpyAutosave) journal = mpy_autosave_new (self->journal_path);

      for (guint i = 0; i < snapshots->len; i++)
        mpy_autosave_add (journal, g_ptr_array_index (snapshots, i));
      mpy_autosave_flush (journal);
      return;
    }

  /* The first real snapshot replaces the untouched sample. */
  if (self->showing_sample)
    {
      self->showing_sample = FALSE;
      g_list_store_remove_all (self->snapshots);
      self->fitted_blocks = 0;
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < snapshots->len; i++)
    {
      MpySnapshot *snapshot = g_ptr_array_index (snapshots, i);
      MpySnapshotItem *item = mpy_snapshot_item_new (snapshot);

      connect_item (self, item);
      g_ptr_array_add (items, item);
      if (on_disk)
        g_object_set_qdata (G_OBJECT (item), on_disk_quark (), GINT_TO_POINTER (TRUE));
      else if (self->autosave != NULL)
        mpy_autosave_add (self->autosave, snapshot);
    }

  position = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));
  g_list_store_splice (self->snapshots, position, 0, items->pdata, items->len);
  self->dirty = TRUE;

  if (select)
    {
      guint last = position + items->len - 1;

      /* A pair (before and after gc.collect(), a log of two) shows as a diff; otherwise the
       * newest state. */
      if (items->len == 2)
        gtk_selection_model_select_range (GTK_SELECTION_MODEL (self->selection), position, 2, TRUE);
      else
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), last, TRUE);
      gtk_widget_activate_action (GTK_WIDGET (self->snapshot_view), "list.scroll-to-item", "u", last);
    }

  _mpy_window_update_title (self);
}

static GPtrArray *
label_snapshots (GPtrArray  *snapshots,
                 const char *base)
{
  GPtrArray *labelled = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; i < snapshots->len; i++)
    {
      MpySnapshot *snapshot = g_ptr_array_index (snapshots, i);
      const char *label = mpy_snapshot_get_label (snapshot);

      if (label == NULL || *label == '\0')
        {
          g_autofree char *new_label = NULL;

          new_label = snapshots->len > 1
            ? g_strdup_printf ("%s #%u", base, i + 1)
            : g_strdup (base);
          g_ptr_array_add (labelled, mpy_snapshot_with_label (snapshot, new_label));
        }
      else
        g_ptr_array_add (labelled, mpy_snapshot_ref (snapshot));
    }

  return labelled;
}

void
mpy_window_add_text (MpyWindow  *self,
                     const char *text)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) labelled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;

  g_return_if_fail (MPY_IS_WINDOW (self));

  if (text == NULL || *text == '\0')
    {
      g_autoptr(GError) empty = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                     _("There is no text to read. Copy the output of micropython.mem_info(1) first."));
      mpy_window_show_error (self, _("Nothing was pasted"), empty);
      return;
    }

  found = mpy_session_read_text (text, -1, &error);
  if (found == NULL || found->len == 0)
    {
      mpy_window_show_error (self, _("The text holds no heap dump"), error);
      return;
    }

  self->n_pasted++;
  base = g_strdup_printf (_("Pasted dump %u"), self->n_pasted);
  labelled = label_snapshots (found, base);
  mpy_window_add_snapshots (self, labelled, TRUE);
}

/* Several files open in the order given, whatever order their reads finish in, and every
 * failure is reported in one banner once the last read is done. */
typedef struct {
  GFile     *file;
  GPtrArray *found;
  GError    *error;
  gboolean   done;
} OpenSlot;

typedef struct {
  MpyWindow *self;
  OpenSlot  *slots;
  guint      n_slots;
  guint      n_pending;
  guint      next;       /* first slot not yet added to the list */
  GString   *failures;   /* "name: reason" lines */
  char      *first_failed;
  guint      n_failed;
} OpenBatch;

typedef struct {
  OpenBatch *batch;
  guint      index;
} OpenData;

static void
open_batch_free (OpenBatch *batch)
{
  for (guint i = 0; i < batch->n_slots; i++)
    {
      g_clear_object (&batch->slots[i].file);
      g_clear_pointer (&batch->slots[i].found, g_ptr_array_unref);
      g_clear_error (&batch->slots[i].error);
    }
  g_free (batch->slots);
  g_string_free (batch->failures, TRUE);
  g_free (batch->first_failed);
  g_clear_object (&batch->self);
  g_free (batch);
}

static gboolean
is_session_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && g_str_has_suffix (name, ".mpysession");
}

static void
open_batch_note_failure (OpenBatch    *batch,
                         GFile        *file,
                         const char   *name,
                         const GError *error)
{
  if (batch->n_failed == 0)
    batch->first_failed = g_strdup (name);
  batch->n_failed++;
  if (batch->failures->len > 0)
    g_string_append_c (batch->failures, '\n');
  const char *reason = error != NULL ? error->message : _("It holds no heap dump.");

  if (batch->n_slots > 1)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *display = path ? g_filename_display_name (path) : NULL;

      g_autoptr(GString) text = NULL;

      /* The reader's reasons name the full path, often first; the line starts with the file's
       * name, which is enough. */
      if (display != NULL && g_str_has_prefix (reason, display)
          && g_str_has_prefix (reason + strlen (display), ": "))
        reason += strlen (display) + 2;
      text = g_string_new (reason);
      if (display != NULL)
        g_string_replace (text, display, name, 0);
      g_string_append_printf (batch->failures, "%s: %s", name, text->str);
    }
  else
    g_string_append (batch->failures, reason);
}

static void
open_batch_add_slot (OpenBatch *batch,
                     OpenSlot  *slot)
{
  MpyWindow *self = batch->self;
  g_autofree char *name = g_file_get_basename (slot->file);
  g_autoptr(GPtrArray) labelled = NULL;
  gboolean becomes_current;

  if (g_error_matches (slot->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (slot->found == NULL || slot->found->len == 0)
    {
      open_batch_note_failure (batch, slot->file, name, slot->error);
      return;
    }

  /* The window closed meanwhile: the file is still on disk, nothing to keep. */
  if (self->snapshots == NULL)
    return;

  labelled = label_snapshots (slot->found, name);

  /* A session opened into an empty window (or over the sample) becomes the file Save writes. */
  becomes_current = is_session_file (slot->file)
    && (self->showing_sample || g_list_model_get_n_items (G_LIST_MODEL (self->snapshots)) == 0);

  /* Snapshots read from a file are on disk already: they need no journal, and a journal of
   * them would offer a restore on every start. */
  _mpy_window_add_snapshots_full (self, labelled, TRUE, TRUE);

  if (becomes_current)
    {
      g_set_object (&self->file, slot->file);
      self->dirty = FALSE;
    }

  _mpy_window_remember_recent (self, slot->file);
  _mpy_window_update_title (self);
}

static void
open_batch_flush (OpenBatch *batch)
{
  while (batch->next < batch->n_slots && batch->slots[batch->next].done)
    open_batch_add_slot (batch, &batch->slots[batch->next++]);

  if (batch->n_pending > 0)
    return;

  if (batch->n_failed > 0)
    {
      g_autofree char *what = NULL;
      g_autoptr(GError) error = NULL;

      if (batch->n_failed == 1)
        what = g_strdup_printf (_("Could not open “%s”"), batch->first_failed);
      else
        what = g_strdup_printf (ngettext ("%u file could not be opened",
                                          "%u files could not be opened",
                                          batch->n_failed),
                                batch->n_failed);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, batch->failures->str);
      mpy_window_show_error (batch->self, what, error);
    }

  open_batch_free (batch);
}

static void
open_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenData *data = user_data;
  OpenBatch *batch = data->batch;
  OpenSlot *slot = &batch->slots[data->index];

  g_free (data);
  slot->found = mpy_session_read_file_finish (result, &slot->error);
  slot->done = TRUE;
  batch->n_pending--;
  open_batch_flush (batch);
}

void
mpy_window_open_files (MpyWindow  *self,
                       GFile     **files,
                       guint       n_files)
{
  OpenBatch *batch;

  g_return_if_fail (MPY_IS_WINDOW (self));

  if (n_files == 0)
    return;

  batch = g_new0 (OpenBatch, 1);
  batch->self = g_object_ref (self);
  batch->slots = g_new0 (OpenSlot, n_files);
  batch->n_slots = n_files;
  batch->failures = g_string_new (NULL);

  /* Every slot is set up before any read starts, so no callback sees a half-made batch. */
  for (guint i = 0; i < n_files; i++)
    {
      batch->slots[i].file = g_object_ref (files[i]);
      batch->n_pending++;
    }

  for (guint i = 0; i < n_files; i++)
    {
      OpenSlot *slot = &batch->slots[i];
      g_autofree char *path = g_file_get_path (slot->file);
      OpenData *data;

      if (path == NULL)
        {
          slot->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                             _("Only local files can be opened: copy the file to this computer first."));
          slot->done = TRUE;
          batch->n_pending--;
          continue;
        }

      data = g_new0 (OpenData, 1);
      data->batch = batch;
      data->index = i;
      mpy_session_read_file_async (path, self->cancellable, open_done_cb, data);
    }

  /* Only non-local files: nothing async runs, so report now. An async read always calls
   * back later, never from here. */
  if (batch->n_pending == 0)
    open_batch_flush (batch);
}

GListModel *
mpy_window_get_snapshots (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->snapshots);
}

GtkSelectionModel *
mpy_window_get_selection (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

GFile *
mpy_window_get_file (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->file;
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
