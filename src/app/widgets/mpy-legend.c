/* mpy-legend.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

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
  GtkWidget    parent_instance;

  MpySnapshot *snapshot;
  MpyDiff     *diff;
  gboolean     show_free;
  gboolean     rainbow;
  gboolean     highlight_largest_free;
  gboolean     dark;

  GArray      *items;        /* Item; rebuilt on a property or style change */
  int          line_height;
};

G_DEFINE_FINAL_TYPE (MpyLegend, mpy_legend, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SNAPSHOT,
  PROP_DIFF,
  PROP_SHOW_FREE,
  PROP_RAINBOW,
  PROP_HIGHLIGHT_LARGEST_FREE,
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
  guint n;

  options.show_free = self->show_free;
  options.rainbow = self->rainbow;
  options.dark = self->dark;
  g_array_set_size (self->items, 0);
  n = mpy_palette_get_legend (self->snapshot, self->diff, &options, entries);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = mpy_legend_entry_get_text (&entries[i]);

      add_item (self, text, entries[i].color, FALSE);
    }
  if (self->highlight_largest_free)
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
set_boxed (MpyLegend  *self,
           gpointer   *field,
           gpointer    value,
           GBoxedCopyFunc copy,
           GDestroyNotify free_func,
           guint       prop_id)
{
  if (*field == value)
    return;
  if (*field != NULL)
    free_func (*field);
  *field = value != NULL ? copy (value) : NULL;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_flag (MpyLegend *self,
          gboolean  *field,
          gboolean   value,
          guint      prop_id)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
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
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_DIFF:
      g_value_set_boxed (value, self->diff);
      break;
    case PROP_SHOW_FREE:
      g_value_set_boolean (value, self->show_free);
      break;
    case PROP_RAINBOW:
      g_value_set_boolean (value, self->rainbow);
      break;
    case PROP_HIGHLIGHT_LARGEST_FREE:
      g_value_set_boolean (value, self->highlight_largest_free);
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
    case PROP_SNAPSHOT:
      set_boxed (self, (gpointer *) &self->snapshot, g_value_get_boxed (value),
                 (GBoxedCopyFunc) mpy_snapshot_ref, (GDestroyNotify) mpy_snapshot_unref, prop_id);
      break;
    case PROP_DIFF:
      set_boxed (self, (gpointer *) &self->diff, g_value_get_boxed (value),
                 (GBoxedCopyFunc) mpy_diff_ref, (GDestroyNotify) mpy_diff_unref, prop_id);
      break;
    case PROP_SHOW_FREE:
      set_flag (self, &self->show_free, g_value_get_boolean (value), prop_id);
      break;
    case PROP_RAINBOW:
      set_flag (self, &self->rainbow, g_value_get_boolean (value), prop_id);
      break;
    case PROP_HIGHLIGHT_LARGEST_FREE:
      set_flag (self, &self->highlight_largest_free, g_value_get_boolean (value), prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_legend_dispose (GObject *object)
{
  MpyLegend *self = MPY_LEGEND (object);

  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->diff, mpy_diff_unref);

  G_OBJECT_CLASS (mpy_legend_parent_class)->dispose (object);
}

static void
mpy_legend_finalize (GObject *object)
{
  MpyLegend *self = MPY_LEGEND (object);

  g_clear_pointer (&self->items, g_array_unref);

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

  properties[PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, "The snapshot whose kinds are listed",
                        MPY_TYPE_SNAPSHOT,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIFF] =
    g_param_spec_boxed ("diff", NULL, "The diff whose states are listed instead, or NULL",
                        MPY_TYPE_DIFF,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_FREE] =
    g_param_spec_boolean ("show-free", NULL, "Free blocks are drawn in a visible colour",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RAINBOW] =
    g_param_spec_boolean ("rainbow", NULL, "Tails take their object's colour",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHT_LARGEST_FREE] =
    g_param_spec_boolean ("highlight-largest-free", NULL, "List the largest free run's outline",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "heaplegend");
}

static void
mpy_legend_init (MpyLegend *self)
{
  self->show_free = TRUE;
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, item_clear);
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
