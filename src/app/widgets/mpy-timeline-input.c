/* mpy-timeline-input.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline's input: the hit test and the hover text it feeds, the pointer (hover,
 * tooltip, click and drag-range selection) and the keyboard.
 */

#include <math.h>

#include <glib/gi18n.h>

#include "mpy-metric.h"
#include "mpy-snapshot.h"
#include "mpy-timeline-private.h"

/* ---- hit test and what it feeds ---------------------------------------------------------- */

gboolean
mpy_timeline_get_point_at (MpyTimeline *self,
                           double       x,
                           double       y,
                           guint       *index)
{
  const double *xs;
  guint n, lo, hi;

  g_return_val_if_fail (MPY_IS_TIMELINE (self), FALSE);

  _mpy_timeline_ensure_layout (self);
  n = self->xs->len;
  if (n == 0 || n != self->points->len)
    return FALSE;
  if (x < self->plot.origin.x - 8 || x > self->plot.origin.x + self->plot.size.width + 8 ||
      y < 0 || y > gtk_widget_get_height (GTK_WIDGET (self)))
    return FALSE;

  /* xs rise: the nearest by bisection. */
  xs = (const double *) self->xs->data;
  lo = 0;
  hi = n - 1;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (xs[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0 && fabs (xs[lo - 1] - x) <= fabs (xs[lo] - x))
    lo--;
  if (index != NULL)
    *index = lo;
  return TRUE;
}

gboolean
mpy_timeline_get_point_position (MpyTimeline *self,
                                 guint        index,
                                 double      *x,
                                 double      *y)
{
  const Point *p;
  double top;

  g_return_val_if_fail (MPY_IS_TIMELINE (self), FALSE);

  _mpy_timeline_ensure_layout (self);
  if (index >= self->xs->len || index >= self->points->len)
    return FALSE;
  p = &g_array_index (self->points, Point, index);
  top = self->byte_top;
  if (x != NULL)
    *x = g_array_index (self->xs, double, index);
  if (y != NULL)
    *y = isnan (p->values[MPY_CHART_SERIES_USED])
         ? self->plot.origin.y + self->plot.size.height / 2
         : _mpy_timeline_value_y (self, MPY_CHART_SERIES_USED, p->values[MPY_CHART_SERIES_USED], top);
  return TRUE;
}

char *
mpy_timeline_dup_point_text (MpyTimeline *self,
                             guint        index)
{
  g_autoptr(GObject) item = NULL;
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autofree char *label = NULL;
  GString *text;
  const Point *p;
  GDateTime *time;

  g_return_val_if_fail (MPY_IS_TIMELINE (self), NULL);

  if (self->model == NULL || index >= self->points->len)
    return NULL;

  item = g_list_model_get_item (G_LIST_MODEL (self->model), index);
  snapshot = _mpy_timeline_item_dup_snapshot (item);
  if (item != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (item), "label") != NULL)
    g_object_get (item, "label", &label, NULL);
  if ((label == NULL || *label == '\0') && snapshot != NULL)
    {
      g_free (label);
      label = g_strdup (mpy_snapshot_get_label (snapshot));
    }
  p = &g_array_index (self->points, Point, index);

  text = g_string_new (NULL);
  /* Translators: the first line of the timeline's hover text: number and label */
  g_string_append_printf (text, _("#%u %s"), index, label != NULL && *label != '\0' ? label : _("(no label)"));
  time = snapshot ? _mpy_timeline_snapshot_time (snapshot) : NULL;
  if (time != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (time);
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");

      g_string_append_printf (text, "\n%s", when);
    }
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    {
      MpyMetric metric = mpy_chart_series_get_metric (s);
      double value = p->values[s];
      g_autofree char *formatted = NULL;

      if (!self->visible[s] && !(self->show_area && (s == MPY_CHART_SERIES_USED || s == MPY_CHART_SERIES_FREE)))
        continue;
      if (isnan (value))
        continue;
      /* Back to the figure's own unit (blocks) for its formatting. */
      if (mpy_metric_get_unit (metric) == MPY_METRIC_UNIT_BLOCKS && p->bytes_per_block > 0)
        value /= p->bytes_per_block;
      formatted = mpy_metric_format_value (metric, value, p->bytes_per_block);
      /* Translators: a figure and its value in the timeline's hover text */
      g_string_append_printf (text, _("\n%s: %s"), mpy_metric_get_title (metric), formatted);
    }
  return g_string_free (text, FALSE);
}

int
mpy_timeline_get_hovered (MpyTimeline *self)
{
  g_return_val_if_fail (MPY_IS_TIMELINE (self), -1);

  return self->hovered;
}

static void
set_hovered (MpyTimeline *self,
             int          hovered)
{
  if (hovered == self->hovered)
    return;
  self->hovered = hovered;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (MpyTimeline              *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  guint index;

  set_hovered (self, mpy_timeline_get_point_at (self, x, y, &index) ? (int) index : -1);
}

static void
leave_cb (MpyTimeline              *self,
          GtkEventControllerMotion *motion)
{
  set_hovered (self, -1);
}

static gboolean
query_tooltip_cb (MpyTimeline *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  g_autofree char *text = NULL;
  guint index;

  if (keyboard && self->cursor >= 0)
    index = (guint) self->cursor;
  else if (!mpy_timeline_get_point_at (self, x, y, &index))
    return FALSE;
  text = mpy_timeline_dup_point_text (self, index);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* One snapshot, or the pair first → last (shown as their diff). */
static void
select_points (MpyTimeline *self,
               guint        first,
               guint        last)
{
  guint n;
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GtkBitset) mask = NULL;

  if (self->model == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  if (first >= n || last >= n)
    return;

  if (first == last)
    {
      gtk_selection_model_select_item (self->model, first, TRUE);
      return;
    }
  selected = gtk_bitset_new_empty ();
  gtk_bitset_add (selected, first);
  gtk_bitset_add (selected, last);
  mask = gtk_bitset_new_range (0, n);
  gtk_selection_model_set_selection (self->model, selected, mask);
}

static void
drag_begin_cb (MpyTimeline    *self,
               double          x,
               double          y,
               GtkGestureDrag *gesture)
{
  guint index;

  self->dragging = FALSE;
  self->drag_start_x = x;
  self->drag_start_y = y;
  self->drag_first = mpy_timeline_get_point_at (self, x, y, &index) ? (int) index : -1;
  self->drag_last = self->drag_first;
  if (gtk_widget_get_focusable (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_update_cb (MpyTimeline    *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  guint index;

  if (!self->dragging && fabs (dx) < DRAG_THRESHOLD)
    return;
  self->dragging = TRUE;
  if (mpy_timeline_get_point_at (self, self->drag_start_x + dx,
                                 CLAMP (self->drag_start_y + dy, 0, gtk_widget_get_height (GTK_WIDGET (self))),
                                 &index))
    self->drag_last = (int) index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (MpyTimeline    *self,
             double          dx,
             double          dy,
             GtkGestureDrag *gesture)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  int first = self->drag_first;
  int last = self->drag_last;

  if (!self->dragging && first >= 0 && (state & GDK_SHIFT_MASK) && self->anchor >= 0)
    {
      /* Shift+click: the pair from the anchor. */
      self->cursor = first;
      select_points (self, MIN (self->anchor, first), MAX (self->anchor, first));
    }
  else if (first >= 0 && last >= 0)
    {
      self->cursor = last;
      self->anchor = first;
      select_points (self, MIN (first, last), MAX (first, last));
    }
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
key_pressed_cb (MpyTimeline           *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *key)
{
  int n = (int) self->points->len;
  int target;

  if (n == 0)
    return FALSE;

  /* Start from what is selected when the keyboard has not moved yet. */
  if (self->cursor < 0 && self->model != NULL)
    {
      g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (self->model);

      if (!gtk_bitset_is_empty (selected))
        self->cursor = (int) gtk_bitset_get_maximum (selected);
    }

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      target = self->cursor < 0 ? n - 1 : MAX (0, self->cursor - 1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      target = self->cursor < 0 ? 0 : MIN (n - 1, self->cursor + 1);
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      target = 0;
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      target = n - 1;
      break;
    default:
      return FALSE;
    }

  if (state & GDK_SHIFT_MASK)
    {
      if (self->anchor < 0)
        self->anchor = self->cursor >= 0 ? self->cursor : target;
      self->cursor = target;
      select_points (self, MIN (self->anchor, target), MAX (self->anchor, target));
    }
  else
    {
      self->cursor = target;
      self->anchor = target;
      select_points (self, target, target);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

/* ---- the controllers --------------------------------------------------------------------- */

void
_mpy_timeline_init_input (MpyTimeline *self)
{
  GtkEventController *controller;
  GtkGesture *drag;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (drag_update_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (drag_end_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
