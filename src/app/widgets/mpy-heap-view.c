/* mpy-heap-view.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The heap canvas: state, properties, layout (measure, size_allocate) and the public API.
 * Painting is in mpy-heap-view-draw.c, pointer and zoom in mpy-heap-view-input.c, the
 * hover text in mpy-heap-view-describe.c.
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mpy-heap-view-private.h"
#include "mpy-theme.h"

GParamSpec *_mpy_heap_view_properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (MpyHeapView, mpy_heap_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

/* The snapshot whose layout is on screen: the diff's "after" in diff mode. */
MpySnapshot *
_mpy_heap_view_layout_snapshot (MpyHeapView *self)
{
  if (self->diff != NULL)
    return mpy_diff_get_after (self->diff);
  return self->snapshot;
}

gboolean
_mpy_heap_view_have_map (MpyHeapView *self)
{
  MpySnapshot *snapshot = _mpy_heap_view_layout_snapshot (self);

  return snapshot != NULL && mpy_snapshot_has_map (snapshot) &&
         mpy_snapshot_get_n_blocks (snapshot) > 0;
}

void
_mpy_heap_view_content_size (MpyHeapView *self,
                             double      *width,
                             double      *height)
{
  if (!_mpy_heap_view_have_map (self))
    {
      *width = *height = 0;
      return;
    }
  *width = mpy_layout_get_row_width (&self->options) * self->scale;
  *height = mpy_layout_get_n_rows (_mpy_heap_view_layout_snapshot (self), &self->options) * self->scale;
}

int
_mpy_heap_view_viewport_height (MpyHeapView *self)
{
  return MAX (0, gtk_widget_get_height (GTK_WIDGET (self)));
}

double
_mpy_heap_view_fit_scale (MpyHeapView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = _mpy_heap_view_viewport_height (self);
  guint row_width, n_rows;

  if (!_mpy_heap_view_have_map (self) || width <= 0 || height <= 0)
    return SCALE_RESET;

  row_width = mpy_layout_get_row_width (&self->options);
  n_rows = mpy_layout_get_n_rows (_mpy_heap_view_layout_snapshot (self), &self->options);
  return MIN ((double) width / row_width, (double) height / MAX (n_rows, 1));
}

double
_mpy_heap_view_min_scale (MpyHeapView *self)
{
  return MIN (SCALE_MIN, _mpy_heap_view_fit_scale (self));
}

double
_mpy_heap_view_adjustment_value (GtkAdjustment *adjustment)
{
  return adjustment ? gtk_adjustment_get_value (adjustment) : 0;
}

void
mpy_heap_view_get_origin (MpyHeapView *self,
                          double      *x,
                          double      *y)
{
  double cw, ch;
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  int height = _mpy_heap_view_viewport_height (self);

  _mpy_heap_view_content_size (self, &cw, &ch);
  /* A map narrower than the view is centred after a fit, and stays where a zoom about an
   * anchor put it (inside the view) until the next fit: re-centring after each zoom step
   * would move the block under the pointer. Otherwise the scroll offset applies. The offset
   * is not rounded: zooming about an anchor must not drift by half pixels. */
  if (cw < width)
    *x = self->centred ? floor ((width - cw) / 2) : CLAMP (self->free_x, 0, width - cw);
  else
    *x = -_mpy_heap_view_adjustment_value (self->hadjustment);
  if (ch < height)
    *y = self->centred ? 0 : CLAMP (self->free_y, 0, height - ch);
  else
    *y = -_mpy_heap_view_adjustment_value (self->vadjustment);
}

static void
ensure_image (MpyHeapView *self)
{
  if (self->image == NULL && _mpy_heap_view_have_map (self))
    {
      self->image = mpy_renderer_create_block_image (self->snapshot, self->diff, &self->options);
      if (self->image != NULL && cairo_surface_status (self->image) != CAIRO_STATUS_SUCCESS)
        g_clear_pointer (&self->image, cairo_surface_destroy);
    }
}

/* The block image is rebuilt when what it shows changes (snapshot, diff, options, theme),
 * never while a frame is drawn. */
static void
invalidate_image (MpyHeapView *self)
{
  g_clear_pointer (&self->image, cairo_surface_destroy);
  ensure_image (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_stats (MpyHeapView *self)
{
  memset (&self->stats, 0, sizeof self->stats);
  self->have_stats = _mpy_heap_view_have_map (self);
  if (self->have_stats)
    mpy_stats_compute (_mpy_heap_view_layout_snapshot (self), &self->stats);
}

void
_mpy_heap_view_update_actions (MpyHeapView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean map = _mpy_heap_view_have_map (self);

  gtk_widget_action_set_enabled (widget, "heap.zoom-in", map && self->scale < SCALE_MAX);
  gtk_widget_action_set_enabled (widget, "heap.zoom-out", map && self->scale > _mpy_heap_view_min_scale (self));
  gtk_widget_action_set_enabled (widget, "heap.zoom-reset", map);
  gtk_widget_action_set_enabled (widget, "heap.zoom-fit", map);
}

static void
configure_adjustment (GtkAdjustment *adjustment,
                      double         value,
                      double         upper,
                      double         page)
{
  if (adjustment == NULL)
    return;
  upper = MAX (upper, page);
  value = CLAMP (value, 0, MAX (0, upper - page));
  gtk_adjustment_configure (adjustment, value, 0, upper, page * 0.1, page * 0.9, page);
}

void
_mpy_heap_view_configure_adjustments (MpyHeapView *self,
                                      double       hvalue,
                                      double       vvalue)
{
  double cw, ch;

  _mpy_heap_view_content_size (self, &cw, &ch);
  configure_adjustment (self->hadjustment, hvalue, cw, gtk_widget_get_width (GTK_WIDGET (self)));
  configure_adjustment (self->vadjustment, vvalue, ch, _mpy_heap_view_viewport_height (self));
}

/* A dark theme switches the renderer to its dark palette. */
static void
update_dark (MpyHeapView *self)
{
  gboolean dark = mpy_theme_wants_dark_palette (GTK_WIDGET (self));

  if (dark != self->options.dark)
    {
      self->options.dark = dark;
      invalidate_image (self);
    }
}

/* The band over the canvas says what is wrong with the map shown. */
static void
update_notice (MpyHeapView *self)
{
  g_autofree char *notice = mpy_heap_view_get_notice (self);

  if (g_strcmp0 (notice, self->notice) == 0)
    return;
  g_free (self->notice);
  self->notice = g_steal_pointer (&notice);
  g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_NOTICE]);
}

/**
 * mpy_heap_view_get_notice:
 *
 * Returns: (nullable) (transfer full): the warning drawn over the map (a damaged dump and
 *   its reason), or %NULL
 */
char *
mpy_heap_view_get_notice (MpyHeapView *self)
{
  MpySnapshot *damaged = NULL;
  const char *reason;

  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), NULL);

  if (self->diff != NULL)
    {
      if (mpy_snapshot_is_damaged (mpy_diff_get_after (self->diff)))
        damaged = mpy_diff_get_after (self->diff);
      else if (mpy_snapshot_is_damaged (mpy_diff_get_before (self->diff)))
        damaged = mpy_diff_get_before (self->diff);
    }
  else if (self->snapshot != NULL && mpy_snapshot_is_damaged (self->snapshot))
    damaged = self->snapshot;

  if (damaged == NULL)
    {
      /* Cairo images stop at 32767 rows; the renderer's block image is cut there. */
      if (_mpy_heap_view_have_map (self) &&
          mpy_layout_get_n_rows (_mpy_heap_view_layout_snapshot (self), &self->options) > 32767)
        return g_strdup (_("This heap has too many rows to draw at this width: the map stops "
                           "at row 32767. Choose more columns."));
      return NULL;
    }
  reason = mpy_snapshot_get_damage_reason (damaged);
  /* Translators: %s is why the dump is inconsistent, e.g. lost serial data */
  return g_strdup_printf (_("Damaged dump: the map may be incomplete (%s)."),
                          reason ? reason : _("the map disagrees with the header"));
}

static void
mpy_heap_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 64;
      *natural = 64 * 8;
    }
  else
    {
      *minimum = 64;
      *natural = 320;
    }
}

static void
mpy_heap_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  MpyHeapView *self = MPY_HEAP_VIEW (widget);

  update_dark (self);
  ensure_image (self);
  /* A fitted map stays fitted when the view's size changes (the window, or the legend
   * under it growing a line). */
  if ((self->fit_pending || (self->at_fit && (width != self->allocated_width ||
                                              height != self->allocated_height)))
      && _mpy_heap_view_have_map (self))
    {
      self->fit_pending = FALSE;
      mpy_heap_view_zoom_fit (self);
    }
  else
    _mpy_heap_view_configure_adjustments (self, _mpy_heap_view_adjustment_value (self->hadjustment),
                                          _mpy_heap_view_adjustment_value (self->vadjustment));
  _mpy_heap_view_update_actions (self);
}

static void
mpy_heap_view_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (mpy_heap_view_parent_class)->css_changed (widget, change);
  update_dark (MPY_HEAP_VIEW (widget));
  gtk_widget_queue_resize (widget);
}

static void
mpy_heap_view_dispose (GObject *object)
{
  MpyHeapView *self = MPY_HEAP_VIEW (object);

  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->diff, mpy_diff_unref);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  g_clear_pointer (&self->notice, g_free);
  g_clear_pointer (&self->outline_objects, g_array_unref);
  g_clear_pointer (&self->outline_on, mpy_snapshot_unref);
  if (self->hadjustment)
    g_signal_handlers_disconnect_by_func (self->hadjustment, _mpy_heap_view_on_adjustment_value_changed, self);
  if (self->vadjustment)
    g_signal_handlers_disconnect_by_func (self->vadjustment, _mpy_heap_view_on_adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (mpy_heap_view_parent_class)->dispose (object);
}

static void
mpy_heap_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MpyHeapView *self = MPY_HEAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_DIFF:
      g_value_set_boxed (value, self->diff);
      break;
    case PROP_NOTICE:
      g_value_set_string (value, self->notice);
      break;
    case PROP_SCALE:
      g_value_set_double (value, self->scale);
      break;
    case PROP_COLUMNS:
      g_value_set_uint (value, self->options.columns);
      break;
    case PROP_RAINBOW:
      g_value_set_boolean (value, self->options.rainbow);
      break;
    case PROP_SHOW_FREE:
      g_value_set_boolean (value, self->options.show_free);
      break;
    case PROP_HIGHLIGHT_LARGEST_FREE:
      g_value_set_boolean (value, self->highlight_largest_free);
      break;
    case PROP_HOVERED_BLOCK:
      g_value_set_int64 (value, self->hovered_block);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_option (MpyHeapView *self,
            guint        prop_id,
            const GValue *value)
{
  MpyRenderOptions options = self->options;

  if (prop_id == PROP_COLUMNS)
    options.columns = g_value_get_uint (value);
  else if (prop_id == PROP_RAINBOW)
    options.rainbow = g_value_get_boolean (value);
  else
    options.show_free = g_value_get_boolean (value);
  mpy_heap_view_set_options (self, &options);
}

static void
mpy_heap_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MpyHeapView *self = MPY_HEAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      mpy_heap_view_set_snapshot (self, g_value_get_boxed (value));
      break;
    case PROP_DIFF:
      mpy_heap_view_set_diff (self, g_value_get_boxed (value));
      break;
    case PROP_SCALE:
      {
        double x, y;

        _mpy_heap_view_zoom_anchor (self, &x, &y);
        mpy_heap_view_zoom_to (self, g_value_get_double (value), x, y);
      }
      break;
    case PROP_COLUMNS:
    case PROP_RAINBOW:
    case PROP_SHOW_FREE:
      set_option (self, prop_id, value);
      break;
    case PROP_HIGHLIGHT_LARGEST_FREE:
      if (self->highlight_largest_free != g_value_get_boolean (value))
        {
          self->highlight_largest_free = g_value_get_boolean (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_HADJUSTMENT:
      _mpy_heap_view_set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      _mpy_heap_view_set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_heap_view_class_init (MpyHeapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mpy_heap_view_dispose;
  object_class->get_property = mpy_heap_view_get_property;
  object_class->set_property = mpy_heap_view_set_property;

  widget_class->snapshot = _mpy_heap_view_snapshot;
  widget_class->measure = mpy_heap_view_measure;
  widget_class->size_allocate = mpy_heap_view_size_allocate;
  widget_class->css_changed = mpy_heap_view_css_changed;
  widget_class->query_tooltip = _mpy_heap_view_query_tooltip;

  _mpy_heap_view_properties[PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, "The snapshot shown",
                        MPY_TYPE_SNAPSHOT,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _mpy_heap_view_properties[PROP_DIFF] =
    g_param_spec_boxed ("diff", NULL, "The diff shown instead of the snapshot, or NULL",
                        MPY_TYPE_DIFF,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _mpy_heap_view_properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, "Pixels per block",
                         0.0, SCALE_MAX, SCALE_RESET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _mpy_heap_view_properties[PROP_COLUMNS] =
    g_param_spec_uint ("columns", NULL, "Blocks per row, in multiples of 64",
                       1, 64, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _mpy_heap_view_properties[PROP_RAINBOW] =
    g_param_spec_boolean ("rainbow", NULL, "Alternate two shades per object",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _mpy_heap_view_properties[PROP_SHOW_FREE] =
    g_param_spec_boolean ("show-free", NULL, "Draw free blocks in a visible colour",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _mpy_heap_view_properties[PROP_HIGHLIGHT_LARGEST_FREE] =
    g_param_spec_boolean ("highlight-largest-free", NULL, "Outline the largest free run",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _mpy_heap_view_properties[PROP_HOVERED_BLOCK] =
    g_param_spec_int64 ("hovered-block", NULL, "The block under the pointer, or -1",
                        -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _mpy_heap_view_properties[PROP_NOTICE] =
    g_param_spec_string ("notice", NULL,
                         "What is wrong with the map shown (a damaged dump, a map cut short), or NULL",
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, _mpy_heap_view_properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  _mpy_heap_view_class_init_input (widget_class);

  gtk_widget_class_set_css_name (widget_class, "heapview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
mpy_heap_view_init (MpyHeapView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->centred = TRUE;

  self->options = (MpyRenderOptions) MPY_RENDER_OPTIONS_INIT;
  self->scale = SCALE_RESET;
  self->hovered_block = -1;
  self->highlight_largest_free = TRUE;
  self->draw_method = MPY_HEAP_VIEW_DRAW_CAIRO;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Heap map"),
                                  -1);

  _mpy_heap_view_init_input (self);
  _mpy_heap_view_set_adjustment (self, &self->hadjustment, NULL);
  _mpy_heap_view_set_adjustment (self, &self->vadjustment, NULL);
  _mpy_heap_view_update_actions (self);
}

/**
 * mpy_heap_view_new:
 *
 * Returns: a new, empty heap canvas.
 */
GtkWidget *
mpy_heap_view_new (void)
{
  return g_object_new (MPY_TYPE_HEAP_VIEW, NULL);
}

static void
layout_changed (MpyHeapView *self)
{
  update_notice (self);
  update_stats (self);
  invalidate_image (self);
  self->hovered_block = -1;
  _mpy_heap_view_configure_adjustments (self, _mpy_heap_view_adjustment_value (self->hadjustment),
                                        _mpy_heap_view_adjustment_value (self->vadjustment));
  _mpy_heap_view_update_hover (self);
  _mpy_heap_view_update_actions (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * mpy_heap_view_set_snapshot:
 * @snapshot: (nullable): the snapshot to show
 *
 * Shows @snapshot and leaves diff mode.
 */
void
mpy_heap_view_set_snapshot (MpyHeapView *self,
                            MpySnapshot *snapshot)
{
  gboolean had_diff;

  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  had_diff = self->diff != NULL;
  if (self->snapshot == snapshot && !had_diff)
    return;
  if (snapshot != NULL)
    mpy_snapshot_ref (snapshot);
  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->diff, mpy_diff_unref);
  self->snapshot = snapshot;
  layout_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_SNAPSHOT]);
  if (had_diff)
    g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_DIFF]);
}

MpySnapshot *
mpy_heap_view_get_snapshot (MpyHeapView *self)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), NULL);
  return self->snapshot;
}

/**
 * mpy_heap_view_set_diff:
 * @diff: (nullable): the diff to show, or %NULL to go back to the snapshot
 *
 * Shows the diff overlay of @diff's "after" over its "before".
 */
void
mpy_heap_view_set_diff (MpyHeapView *self,
                        MpyDiff     *diff)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  if (self->diff == diff)
    return;
  if (diff != NULL)
    mpy_diff_ref (diff);
  g_clear_pointer (&self->diff, mpy_diff_unref);
  self->diff = diff;
  layout_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_DIFF]);
}

MpyDiff *
mpy_heap_view_get_diff (MpyHeapView *self)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), NULL);
  return self->diff;
}

double
mpy_heap_view_get_scale (MpyHeapView *self)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), SCALE_RESET);
  return self->scale;
}

void
mpy_heap_view_get_options (MpyHeapView      *self,
                           MpyRenderOptions *options)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  g_return_if_fail (options != NULL);
  *options = self->options;
}

/**
 * mpy_heap_view_set_options:
 * @options: columns, rainbow and show-free; the dark flag is ignored, it follows the theme
 */
void
mpy_heap_view_set_options (MpyHeapView            *self,
                           const MpyRenderOptions *options)
{
  MpyRenderOptions old;

  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  g_return_if_fail (options != NULL);

  old = self->options;
  self->options.columns = MAX (options->columns, 1);
  self->options.rainbow = !!options->rainbow;
  self->options.show_free = !!options->show_free;
  if (memcmp (&old, &self->options, sizeof old) == 0)
    return;

  if (old.columns != self->options.columns)
    {
      layout_changed (self);
      /* A map that was fitted stays fitted in its new shape. */
      if (self->at_fit)
        mpy_heap_view_zoom_fit (self);
    }
  else
    invalidate_image (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (old.columns != self->options.columns)
    g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_COLUMNS]);
  if (old.rainbow != self->options.rainbow)
    g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_RAINBOW]);
  if (old.show_free != self->options.show_free)
    g_object_notify_by_pspec (G_OBJECT (self), _mpy_heap_view_properties[PROP_SHOW_FREE]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
mpy_heap_view_set_draw_method (MpyHeapView           *self,
                               MpyHeapViewDrawMethod  method)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  self->draw_method = method;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * mpy_heap_view_set_outline_run:
 * @first_block: the first block to outline
 * @n_blocks: how many; 0 outlines nothing
 *
 * Outlines a run of blocks, e.g. where the object asked about in the figures panel's
 * "Fits?" entry would go.
 */
void
mpy_heap_view_set_outline_run (MpyHeapView *self,
                               gsize        first_block,
                               gsize        n_blocks)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));

  if (self->outline_first == first_block && self->outline_n == n_blocks)
    return;
  self->outline_first = first_block;
  self->outline_n = n_blocks;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * mpy_heap_view_get_outline_run:
 * @first_block: (out) (optional): the first block outlined
 * @n_blocks: (out) (optional): how many
 *
 * Returns: %TRUE when a run is outlined.
 */
gboolean
mpy_heap_view_get_outline_run (MpyHeapView *self,
                               gsize       *first_block,
                               gsize       *n_blocks)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), FALSE);

  if (first_block != NULL)
    *first_block = self->outline_first;
  if (n_blocks != NULL)
    *n_blocks = self->outline_n;
  return self->outline_n > 0;
}

/**
 * mpy_heap_view_set_outline_objects:
 * @on: (nullable): the snapshot the runs belong to
 * @runs: (array length=n_runs) (nullable): the objects to outline
 * @n_runs: how many
 *
 * Outlines objects of @on (the Leak check's survivors), while the view shows @on itself or a
 * diff whose "after" is @on. Replaces what an earlier call outlined.
 */
void
mpy_heap_view_set_outline_objects (MpyHeapView       *self,
                                   MpySnapshot       *on,
                                   const MpyBlockRun *runs,
                                   guint              n_runs)
{
  g_return_if_fail (MPY_IS_HEAP_VIEW (self));
  g_return_if_fail (runs != NULL || n_runs == 0);

  g_clear_pointer (&self->outline_objects, g_array_unref);
  g_clear_pointer (&self->outline_on, mpy_snapshot_unref);
  if (on != NULL && n_runs > 0)
    {
      self->outline_on = mpy_snapshot_ref (on);
      self->outline_objects = g_array_sized_new (FALSE, FALSE, sizeof (MpyBlockRun), n_runs);
      g_array_append_vals (self->outline_objects, runs, n_runs);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * mpy_heap_view_get_n_outline_objects:
 *
 * Returns: how many objects are outlined on what the view shows now.
 */
guint
mpy_heap_view_get_n_outline_objects (MpyHeapView *self)
{
  g_return_val_if_fail (MPY_IS_HEAP_VIEW (self), 0);

  if (self->outline_objects == NULL || _mpy_heap_view_layout_snapshot (self) != self->outline_on)
    return 0;
  return self->outline_objects->len;
}
