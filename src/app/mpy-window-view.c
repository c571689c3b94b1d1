/* mpy-window-view.c — what the window shows of the selection: the canvas (a snapshot, a
 * diff of two, or a message), the figures, the console context and the view title, and the
 * fit outline from the figures panel on the canvas
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-figures-panel.h"
#include "mpy-heap-view.h"
#include "mpy-snapshot-item.h"
#include "mpy-window-private.h"

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

  mpy_heap_view_set_snapshot (MPY_HEAP_VIEW (self->heap_view), snapshot);
  if (diff != NULL)
    mpy_heap_view_set_diff (MPY_HEAP_VIEW (self->heap_view), diff);
  if (diff != NULL)
    mpy_figures_panel_set_diff (MPY_FIGURES_PANEL (self->figures_panel), diff);
  else
    mpy_figures_panel_set_snapshot (MPY_FIGURES_PANEL (self->figures_panel), snapshot);

  /* A new layout (another board, another heap size) starts fitted to the window. */
  n_blocks = snapshot && mpy_snapshot_has_map (snapshot) ? mpy_snapshot_get_n_blocks (snapshot) : 0;
  if (n_blocks != 0 && n_blocks != self->fitted_blocks)
    {
      self->fitted_blocks = n_blocks;
      if (gtk_widget_get_width (self->heap_view) > 0)
        mpy_heap_view_zoom_fit (MPY_HEAP_VIEW (self->heap_view));
      else if (self->fit_tick_id == 0)
        /* Not allocated yet: fit on the first frame that has a size. */
        self->fit_tick_id = gtk_widget_add_tick_callback (self->heap_view, fit_when_allocated_cb,
                                                          self, NULL);
    }
}

static void
set_figures_note (MpyWindow  *self,
                  const char *note)
{
  mpy_figures_panel_set_note (MPY_FIGURES_PANEL (self->figures_panel), note);
}

/* The console context of @snapshot (what its program printed before the dump) under the
 * figures; hidden when there is none. */
static void
show_console (MpyWindow   *self,
              MpySnapshot *snapshot)
{
  const char *console = snapshot != NULL ? mpy_snapshot_get_console (snapshot) : NULL;

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->console_view),
                            console != NULL ? console : "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->console_expander), console != NULL);
}

/* Which of two snapshots came first: board times when both have one, else capture times. */
static gboolean
is_later (MpySnapshot *a,
          MpySnapshot *b)
{
  GDateTime *ta = mpy_snapshot_get_board_time (a), *tb = mpy_snapshot_get_board_time (b);

  if (ta == NULL || tb == NULL)
    {
      ta = mpy_snapshot_get_time (a);
      tb = mpy_snapshot_get_time (b);
    }
  return ta != NULL && tb != NULL && g_date_time_compare (ta, tb) > 0;
}

static void
clear_figures (MpyWindow  *self,
               const char *note)
{
  mpy_figures_panel_set_note (MPY_FIGURES_PANEL (self->figures_panel), note);
  mpy_figures_panel_set_snapshot (MPY_FIGURES_PANEL (self->figures_panel), NULL);
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
      /* The tooltip holds all of it: a diff's "A → B" is ellipsized in a narrow window. */
      gtk_label_set_text (self->view_title, title);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->view_title), title != NULL && *title != '\0' ? title : NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self->view_title), "warning");
    }
}

void
_mpy_window_update_view (MpyWindow *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  guint n_items = g_list_model_get_n_items (mpy_document_get_snapshots (self->document));
  guint64 n_selected;

  selected = gtk_selection_model_get_selection (mpy_document_get_selection (self->document));
  n_selected = gtk_bitset_get_size (selected);

  if (n_items == 0)
    {
      set_title_for (self, NULL, "");
      show_on_canvas (self, NULL, NULL);
      clear_figures (self, NULL);
      show_console (self, NULL);
      set_view_message (self, MPY_VIEW_EMPTY,
                        _("No snapshots yet.\n\nPick your board on the left and press Capture, open a session or a console log (Ctrl+O), drop a file here, or paste a mem_info(1) dump (Ctrl+V)."));
    }
  else if (n_selected == 0)
    {
      set_title_for (self, NULL, "");
      show_on_canvas (self, NULL, NULL);
      clear_figures (self, NULL);
      show_console (self, NULL);
      set_view_message (self, MPY_VIEW_EMPTY,
                        _("Select a snapshot to see its map, or two to compare them."));
    }
  else if (n_selected == 1)
    {
      g_autoptr(MpySnapshotItem) item = NULL;
      MpySnapshot *snapshot;

      item = g_list_model_get_item (mpy_document_get_snapshots (self->document), gtk_bitset_get_nth (selected, 0));
      snapshot = mpy_snapshot_item_get_snapshot (item);
      set_title_for (self, snapshot, item_label (item));
      set_figures_note (self, NULL);
      show_on_canvas (self, snapshot, NULL);
      show_console (self, snapshot);

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

      first = g_list_model_get_item (mpy_document_get_snapshots (self->document), gtk_bitset_get_nth (selected, 0));
      second = g_list_model_get_item (mpy_document_get_snapshots (self->document), gtk_bitset_get_nth (selected, 1));
      before = mpy_snapshot_item_get_snapshot (first);
      after = mpy_snapshot_item_get_snapshot (second);

      /* The later over the earlier: by time when both have one, else by list order. */
      if (is_later (before, after))
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

      show_console (self, after);
      /* The reason comes as a clause: the sentence below leads it. */
      if (mpy_diff_check_compatible (before, after, &error))
        diff = mpy_diff_new (before, after, &error);
      if (diff == NULL)
        {
          /* No map, or maps of different layouts: no blocks to overlay, but the figures
           * compare; the panel shows the later one's with the change of each. */
          g_autoptr(MpyDiff) figures = mpy_diff_new_figures (before, after);
          g_autofree char *message = NULL;
          g_autofree char *note = NULL;

          /* Translators: over the figures when two selected snapshots have no block diff */
          note = g_strdup_printf (_("No block diff: the figures below are of “%s”, with their change since “%s”."),
                                  item_label (second), item_label (first));
          set_figures_note (self, note);
          show_on_canvas (self, after, NULL);
          mpy_figures_panel_set_diff (MPY_FIGURES_PANEL (self->figures_panel), figures);
          message = g_strdup_printf (_("These two snapshots cannot be compared block by block: %s\n\nThere is no map to overlay. The figures on the right show how each changed; select one snapshot to see its map."),
                                     error->message);
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
      show_console (self, NULL);
      message = g_strdup_printf (ngettext ("%u snapshot selected.\n\nSelect one snapshot to see its map, or exactly two to compare them: click one, then Ctrl+click the other, or drag over two neighbours.",
                                           "%u snapshots selected.\n\nSelect one snapshot to see its map, or exactly two to compare them: click one, then Ctrl+click the other, or drag over two neighbours.",
                                           (gulong) n_selected),
                                 (guint) n_selected);
      set_view_message (self, MPY_VIEW_MESSAGE, message);
    }

  _mpy_window_update_actions (self);
}

void
_mpy_window_fit_changed_cb (MpyWindow *self)
{
  gsize first = 0, n = 0;

  if (!mpy_figures_panel_get_fit_run (MPY_FIGURES_PANEL (self->figures_panel), &first, &n))
    n = 0;
  mpy_heap_view_set_outline_run (MPY_HEAP_VIEW (self->heap_view), first, n);
}
