/* mpy-legend.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-heap-view.h"
#include "mpy-legend.h"
#include "mpy-palette.h"
#include "mpy-theme.h"

#define PAD     6
#define SWATCH  12
#define GAP     14
#define LEADING 4

typedef struct {
  PangoLayout *layout;
  guint32      color;
  gboolean     outline;   /* the highlight: a frame in its colour, no fill */
  int          width;
  int          x;
  int          y;
} Item;

struct _MpyLegend
{
  GtkWidget     parent_instance;

  MpyHeapView  *view;
  GSignalGroup *view_signals;   /* what the view shows, and how */
  gboolean      dark;

  GArray      *items;        /* Item; rebuilt on a property or style change */
  int          line_height;
};

G_DEFINE_FINAL_TYPE (MpyLegend, mpy_legend, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
item_clear (gpointer data)
{
  g_clear_object (&((Item *) data)->layout);
}

static void
add_item (MpyLegend  *self,
          const char *text,
          guint32     color,
          gboolean    outline)
{
  Item item = { 0, };

  item.layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  item.color = color;
  item.outline = outline;
  pango_layout_get_pixel_size (item.layout, &item.width, NULL);
  item.width += SWATCH + 4;
  g_array_append_val (self->items, item);
}

/* The entries of the palette table for what the canvas shows, plus its highlight. */
static void
rebuild (MpyLegend *self)
{
  MpyRenderOptions options = MPY_RENDER_OPTIONS_INIT;
  MpyLegendEntry entries[MPY_LEGEND_MAX_ENTRIES];
  g_autoptr(PangoLayout) probe = gtk_widget_create_pango_layout (GTK_WIDGET (self), "Ag");
  gboolean highlight = FALSE;
  guint n;

  if (self->view != NULL)
    {
      mpy_heap_view_get_options (self->view, &options);
      g_object_get (self->view, "highlight-largest-free", &highlight, NULL);
    }
  options.dark = self->dark;
  g_array_set_size (self->items, 0);
  n = mpy_palette_get_legend (self->view ? mpy_heap_view_get_snapshot (self->view) : NULL,
                              self->view ? mpy_heap_view_get_diff (self->view) : NULL,
                              &options, entries);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = mpy_legend_entry_get_text (&entries[i]);

      add_item (self, text, entries[i].color, FALSE);
    }
  if (highlight)
    add_item (self, _("largest free run"),
              mpy_palette_get_highlight (self->dark), TRUE);

  pango_layout_get_pixel_size (probe, NULL, &self->line_height);
  self->line_height = MAX (self->line_height, SWATCH);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Lays the items out in lines of @width; with @place, records where each goes. Returns the
 * height. */
static int
layout_items (MpyLegend *self,
              int        width,
              gboolean   place)
{
  int x = PAD, y = PAD;

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);

      if (x > PAD && x + item->width > width - PAD)
        {
          x = PAD;
          y += self->line_height + LEADING;
        }
      if (place)
        {
          item->x = x;
          item->y = y;
        }
      x += item->width + GAP;
    }
  return y + self->line_height + PAD;
}

static void
mpy_legend_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  MpyLegend *self = MPY_LEGEND (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int widest = 0, all = 0;

      for (guint i = 0; i < self->items->len; i++)
        {
          int w = g_array_index (self->items, Item, i).width;

          widest = MAX (widest, w);
          all += w + (i > 0 ? GAP : 0);
        }
      *minimum = widest + 2 * PAD;
      *natural = all + 2 * PAD;
    }
  else
    {
      /* Height for width: as many lines as the entries need. */
      *minimum = *natural = layout_items (self, for_size >= 0 ? for_size : G_MAXINT / 2, FALSE);
    }
}

static GtkSizeRequestMode
mpy_legend_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
mpy_legend_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  layout_items (MPY_LEGEND (widget), width, TRUE);
}

static void
mpy_legend_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  MpyLegend *self = MPY_LEGEND (widget);
  int width = gtk_widget_get_width (widget);
  GdkRGBA bg, sep, fg;

  mpy_theme_get_foreground (widget, &fg);
  mpy_theme_rgba_from_rgb (mpy_palette_get_background (self->dark), &bg);
  mpy_theme_rgba_from_rgb (self->dark ? 0x3d3d3d : 0xd0d0d0, &sep);
  gtk_snapshot_append_color (snapshot, &bg,
                             &GRAPHENE_RECT_INIT (0, 0, width, gtk_widget_get_height (widget)));
  gtk_snapshot_append_color (snapshot, &sep, &GRAPHENE_RECT_INIT (0, 0, width, 1));

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);
      graphene_rect_t sw = GRAPHENE_RECT_INIT (item->x, item->y + (self->line_height - SWATCH) / 2,
                                               SWATCH, SWATCH);
      GskRoundedRect border;
      float widths[4];
      GdkRGBA c, colors[4];

      mpy_theme_rgba_from_rgb (item->color, &c);
      if (!item->outline)
        gtk_snapshot_append_color (snapshot, &c, &sw);
      gsk_rounded_rect_init_from_rect (&border, &sw, 0);
      for (guint k = 0; k < 4; k++)
        {
          widths[k] = item->outline ? 2 : 1;
          colors[k] = item->outline ? c : fg;
          if (!item->outline)
            colors[k].alpha *= 0.4;
        }
      gtk_snapshot_append_border (snapshot, &border, widths, colors);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (item->x + SWATCH + 4, item->y));
      gtk_snapshot_append_layout (snapshot, item->layout, &fg);
      gtk_snapshot_restore (snapshot);
    }
}

static void
mpy_legend_css_changed (GtkWidget         *widget,
                        GtkCssStyleChange *change)
{
  MpyLegend *self = MPY_LEGEND (widget);

  GTK_WIDGET_CLASS (mpy_legend_parent_class)->css_changed (widget, change);
  self->dark = mpy_theme_wants_dark_palette (widget);
  rebuild (self);   /* the colours, and the text sizes with the font */
}

static void
on_view_notify (MpyLegend *self)
{
  rebuild (self);
}

static void
mpy_legend_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MpyLegend *self = MPY_LEGEND (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_object (value, self->view);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_legend_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MpyLegend *self = MPY_LEGEND (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      mpy_legend_set_view (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_legend_dispose (GObject *object)
{
  MpyLegend *self = MPY_LEGEND (object);

  g_signal_group_set_target (self->view_signals, NULL);
  g_clear_object (&self->view);

  G_OBJECT_CLASS (mpy_legend_parent_class)->dispose (object);
}

static void
mpy_legend_finalize (GObject *object)
{
  MpyLegend *self = MPY_LEGEND (object);

  g_clear_pointer (&self->items, g_array_unref);
  g_clear_object (&self->view_signals);

  G_OBJECT_CLASS (mpy_legend_parent_class)->finalize (object);
}

static void
mpy_legend_class_init (MpyLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mpy_legend_dispose;
  object_class->finalize = mpy_legend_finalize;
  object_class->get_property = mpy_legend_get_property;
  object_class->set_property = mpy_legend_set_property;

  widget_class->measure = mpy_legend_measure;
  widget_class->get_request_mode = mpy_legend_get_request_mode;
  widget_class->size_allocate = mpy_legend_size_allocate;
  widget_class->snapshot = mpy_legend_snapshot;
  widget_class->css_changed = mpy_legend_css_changed;

  properties[PROP_VIEW] =
    g_param_spec_object ("view", NULL, "The heap view whose map the legend explains",
                         MPY_TYPE_HEAP_VIEW,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "heaplegend");
}

static void
mpy_legend_init (MpyLegend *self)
{
  static const char *followed[] = {
    "notify::snapshot", "notify::diff", "notify::columns", "notify::show-free",
    "notify::rainbow", "notify::highlight-largest-free",
  };

  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, item_clear);
  self->view_signals = g_signal_group_new (MPY_TYPE_HEAP_VIEW);
  for (guint i = 0; i < G_N_ELEMENTS (followed); i++)
    g_signal_group_connect_swapped (self->view_signals, followed[i], G_CALLBACK (on_view_notify), self);
  rebuild (self);
}

/**
 * mpy_legend_new:
 *
 * Returns: a new legend of the kinds.
 */
GtkWidget *
mpy_legend_new (void)
{
  return g_object_new (MPY_TYPE_LEGEND, NULL);
}

/**
 * mpy_legend_set_view:
 * @view: (nullable): the heap view to follow
 *
 * Lists the entries for what @view shows, and follows it.
 */
void
mpy_legend_set_view (MpyLegend   *self,
                     MpyHeapView *view)
{
  g_return_if_fail (MPY_IS_LEGEND (self));
  g_return_if_fail (view == NULL || MPY_IS_HEAP_VIEW (view));

  if (!g_set_object (&self->view, view))
    return;
  g_signal_group_set_target (self->view_signals, view);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

/**
 * mpy_legend_get_n_items:
 *
 * Returns: how many entries the legend shows.
 */
guint
mpy_legend_get_n_items (MpyLegend *self)
{
  g_return_val_if_fail (MPY_IS_LEGEND (self), 0);
  return self->items->len;
}

/**
 * mpy_legend_get_item_text:
 * @index: an entry
 *
 * Returns: the entry's text.
 */
const char *
mpy_legend_get_item_text (MpyLegend *self,
                          guint      index)
{
  g_return_val_if_fail (MPY_IS_LEGEND (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return pango_layout_get_text (g_array_index (self->items, Item, index).layout);
}

/**
 * mpy_legend_get_item_color:
 * @index: an entry
 *
 * Returns: the entry's swatch colour as 0xRRGGBB.
 */
guint32
mpy_legend_get_item_color (MpyLegend *self,
                           guint      index)
{
  g_return_val_if_fail (MPY_IS_LEGEND (self), 0);
  g_return_val_if_fail (index < self->items->len, 0);
  return g_array_index (self->items, Item, index).color;
}
