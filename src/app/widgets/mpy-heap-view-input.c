/* mpy-heap-view-input.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pointer, wheel, drag and pinch; zoom about an anchor; the hit test.
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mpy-heap-view-private.h"
#include "mpy-theme.h"

gboolean
_mpy_heap_view_query_tooltip (GtkWidget  *widget,
                              int         x,
                              int         y,
                              gboolean    keyboard_mode,
                              GtkTooltip *tooltip)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);
  g_autofree char *text = NULL;
  gsize block;

  if (keyboard_mode || !mpy_heap_view_get_block_at (self, x, y, &block))
    return FALSE;
  text = mpy_heap_view_describe_block (self, block);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_hovered_block (MpyHeapView *self,
                   gint64       block)
{
  if (self->hovered_block == block)
    return;
  self->hovered_block = block;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_HOVERED_BLOCK]);
}

void
_mpy_heap_view_update_hover (MpyHeapView *self)
{
  gsize block;

  if (self->pointer_inside &&
      mpy_heap_view_get_block_at (self, self->pointer_x, self->pointer_y, &block))
    set_hovered_block (self, block);
  else
    set_hovered_block (self, -1);
}

void
_mpy_heap_view_on_adjustment_value_changed (GtkAdjustment *adjustment,
                                            MpyHeapView   *self)
{
  _mpy_heap_view_update_hover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_mpy_heap_view_set_adjustment (MpyHeapView    *self,
                               GtkAdjustment **slot,
                               GtkAdjustment  *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, _mpy_heap_view_on_adjustment_value_changed, self);
      g_object_unref (*slot);
    }
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (_mpy_heap_view_on_adjustment_value_changed), self, 0);
  _mpy_heap_view_configure_adjustments (self, _mpy_heap_view_adjustment_value (self->hadjustment),
                                        _mpy_heap_view_adjustment_value (self->vadjustment));
}

/* The anchor of keyboard and button zooms: the pointer when it is over the map, else the
 * centre of the view. */
void
_mpy_heap_view_zoom_anchor (MpyHeapView *self,
                            double      *x,
                            double      *y)
{
  if (self->pointer_inside && self->pointer_y >= 0 && self->pointer_y < _mpy_heap_view_viewport_height (self))
    {
      *x = self->pointer_x;
      *y = self->pointer_y;
    }
  else
    {
      *x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      *y = _mpy_heap_view_viewport_height (self) / 2.0;
    }
}

void
mpy_heap_view_get_zoom_anchor (MpyHeapView *self,
                               double      *x,
                               double      *y)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  _mpy_heap_view_zoom_anchor (self, x, y);
}

static void
zoom_by (MpyHeapView *self,
         double       factor)
{
  double x, y;

  _mpy_heap_view_zoom_anchor (self, &x, &y);
  mpy_heap_view_zoom_to (self, self->scale * factor, x, y);
}

static void
action_zoom (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);

  if (g_str_equal (action_name, "heap.zoom-in"))
    zoom_by (self, ZOOM_STEP);
  else if (g_str_equal (action_name, "heap.zoom-out"))
    zoom_by (self, 1.0 / ZOOM_STEP);
  else if (g_str_equal (action_name, "heap.zoom-reset"))
    {
      double x, y;

      _mpy_heap_view_zoom_anchor (self, &x, &y);
      mpy_heap_view_zoom_to (self, SCALE_RESET, x, y);
    }
  else if (g_str_equal (action_name, "heap.zoom-fit"))
    mpy_heap_view_zoom_fit (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           MpyHeapView              *self)
{
  GdkModifierType state;
  GdkEvent *event;
  double x, y;

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;   /* let the scrolled window pan */

  event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  if (event == NULL || !gdk_event_get_position (event, &x, &y))
    _mpy_heap_view_zoom_anchor (self, &x, &y);
  else
    {
      /* Event coordinates are relative to the surface: convert to ours. */
      GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
      double nx, ny, wx, wy;

      gtk_native_get_surface_transform (native, &nx, &ny);
      gtk_widget_translate_coordinates (GTK_WIDGET (native), GTK_WIDGET (self),
                                        x - nx, y - ny, &wx, &wy);
      x = wx;
      y = wy;
    }
  mpy_heap_view_zoom_to (self, self->scale * pow (WHEEL_ZOOM_BASE, -dy), x, y);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           MpyHeapView              *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  _mpy_heap_view_update_hover (self);
}

static void
on_leave (GtkEventControllerMotion *controller,
          MpyHeapView              *self)
{
  self->pointer_inside = FALSE;
  _mpy_heap_view_update_hover (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               MpyHeapView    *self)
{
  self->drag_start_h = _mpy_heap_view_adjustment_value (self->hadjustment);
  self->drag_start_v = _mpy_heap_view_adjustment_value (self->vadjustment);
  /* Clicking the canvas gives it the keyboard for + - 0 f. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             MpyHeapView    *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                MpyHeapView    *self)
{
  if (dx != 0 || dy != 0)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
  if (self->hadjustment)
    gtk_adjustment_set_value (self->hadjustment, self->drag_start_h - dx);
  if (self->vadjustment)
    gtk_adjustment_set_value (self->vadjustment, self->drag_start_v - dy);
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               MpyHeapView      *self)
{
  self->gesture_start_scale = self->scale;
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture,
                       double          scale,
                       MpyHeapView    *self)
{
  double x, y;

  if (!gtk_gesture_is_active (GTK_GESTURE (gesture)) ||
      !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    _mpy_heap_view_zoom_anchor (self, &x, &y);
  mpy_heap_view_zoom_to (self, self->gesture_start_scale * scale, x, y);
}

/**
 * mpy_heap_view_zoom_to:
 * @scale: pixels per block
 * @anchor_x: widget x of the point that stays on the same block
 * @anchor_y: widget y of that point
 *
 * Sets the scale (clamped to the zoom range) keeping the map point under the anchor fixed, as
 * far as the scroll range allows.
 */
void
mpy_heap_view_zoom_to (MpyHeapView *self,
                       double       scale,
                       double       anchor_x,
                       double       anchor_y)
{
  double ox, oy, cx, cy;
  double old_h, old_v;

  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  scale = CLAMP (scale, _mpy_heap_view_min_scale (self), SCALE_MAX);
  if (scale == self->scale)
    return;

  /* The map point under the anchor, in blocks, before the change. */
  mpy_heap_view_get_origin (self, &ox, &oy);
  cx = (anchor_x - ox) / self->scale;
  cy = (anchor_y - oy) / self->scale;
  old_h = _mpy_heap_view_adjustment_value (self->hadjustment);
  old_v = _mpy_heap_view_adjustment_value (self->vadjustment);

  self->scale = scale;
  self->fit_pending = FALSE;

  /* Where the map's origin must be for the anchor to stay on the same point; used as it is
   * when the map is smaller than the view, else through the scroll offset. */
  self->free_x = anchor_x - cx * scale;
  self->free_y = anchor_y - cy * scale;
  self->centred = FALSE;
  self->at_fit = FALSE;

  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    _mpy_heap_view_configure_adjustments (self, cx * scale - anchor_x,
                                          cy * scale - anchor_y);
  else
    _mpy_heap_view_configure_adjustments (self, old_h, old_v);

  _mpy_heap_view_update_hover (self);
  _mpy_heap_view_update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_SCALE]);
}

/**
 * mpy_heap_view_zoom_fit:
 *
 * Zooms so that the whole map fits the view (done at the next allocation if the widget has no
 * size yet).
 */
void
mpy_heap_view_zoom_fit (MpyHeapView *self)
{
  double scale;

  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  self->centred = TRUE;
  self->at_fit = TRUE;
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0 || !_mpy_heap_view_have_map (self))
    {
      self->fit_pending = TRUE;
      return;
    }

  self->allocated_width = gtk_widget_get_width (GTK_WIDGET (self));
  self->allocated_height = gtk_widget_get_height (GTK_WIDGET (self));
  scale = _mpy_heap_view_fit_scale (self);
  if (scale != self->scale)
    {
      self->scale = scale;
      g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_SCALE]);
    }
  _mpy_heap_view_configure_adjustments (self, 0, 0);
  _mpy_heap_view_update_hover (self);
  _mpy_heap_view_update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * mpy_heap_view_get_block_at:
 * @x: widget x
 * @y: widget y
 * @block: (out): the block index under (x, y)
 *
 * The hit test shared by hover, tooltip and clicks.
 *
 * Returns: %TRUE if a block is under the point
 */
gboolean
mpy_heap_view_get_block_at (MpyHeapView *self,
                            double       x,
                            double       y,
                            gsize       *block)
{
  double ox, oy, bx, by;

  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), FALSE);

  if (!_mpy_heap_view_have_map (self) || x < 0 || y < 0 ||
      x >= gtk_widget_get_width (GTK_WIDGET (self)) || y >= _mpy_heap_view_viewport_height (self))
    return FALSE;

  mpy_heap_view_get_origin (self, &ox, &oy);
  bx = floor ((x - ox) / self->scale);
  by = floor ((y - oy) / self->scale);
  if (bx < 0 || by < 0 || bx >= G_MAXUINT || by >= G_MAXUINT)
    return FALSE;
  return mpy_layout_get_block_at (_mpy_heap_view_layout_snapshot (self), &self->options,
                                  (guint) bx, (guint) by, block);
}

/* The pointer, wheel, drag and pinch controllers. */
void
_mpy_heap_view_init_input (MpyHeapView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));
}

/* The zoom actions and their keys. */
void
_mpy_heap_view_class_init_input (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "heap.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "heap.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "heap.zoom-reset", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "heap.zoom-fit", NULL, action_zoom);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "heap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "heap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "heap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "heap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "heap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "heap.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "heap.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "heap.zoom-fit", NULL);
}
