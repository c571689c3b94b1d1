/* mpy-damage-band.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-damage-band.h"
#include "mpy-theme.h"

#define PAD_X 8
#define PAD_Y 4

struct _MpyDamageBand
{
  GtkWidget    parent_instance;

  char        *text;
  PangoLayout *layout;   /* one line, ellipsized to the allocated width */
  gboolean     dark;
};

G_DEFINE_FINAL_TYPE (MpyDamageBand, mpy_damage_band, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_layout (MpyDamageBand *self)
{
  g_clear_object (&self->layout);
  if (self->text != NULL)
    {
      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->text);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
mpy_damage_band_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  MpyDamageBand *self = MPY_DAMAGE_BAND (widget);
  int w = 0, h = 0;

  if (self->layout != NULL)
    {
      /* Measured unwrapped: the natural width is the whole line, the height one line. */
      pango_layout_set_width (self->layout, -1);
      pango_layout_get_pixel_size (self->layout, &w, &h);
    }
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 0;
      *natural = w + 2 * PAD_X;
    }
  else
    *minimum = *natural = self->layout != NULL ? h + 2 * PAD_Y : 0;
}

static void
mpy_damage_band_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  MpyDamageBand *self = MPY_DAMAGE_BAND (widget);

  if (self->layout != NULL)
    pango_layout_set_width (self->layout, MAX (1, width - 2 * PAD_X) * PANGO_SCALE);
}

static void
mpy_damage_band_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  MpyDamageBand *self = MPY_DAMAGE_BAND (widget);
  GdkRGBA band = self->dark ? (GdkRGBA) { 0.45, 0.10, 0.10, 1 } : (GdkRGBA) { 0.98, 0.86, 0.86, 1 };
  GdkRGBA ink = self->dark ? (GdkRGBA) { 1, 0.9, 0.9, 1 } : (GdkRGBA) { 0.55, 0.05, 0.05, 1 };

  if (self->layout == NULL)
    return;
  gtk_snapshot_append_color (snapshot, &band,
                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                  gtk_widget_get_height (widget)));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PAD_X, PAD_Y));
  gtk_snapshot_append_layout (snapshot, self->layout, &ink);
  gtk_snapshot_restore (snapshot);
}

static void
mpy_damage_band_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  MpyDamageBand *self = MPY_DAMAGE_BAND (widget);

  GTK_WIDGET_CLASS (mpy_damage_band_parent_class)->css_changed (widget, change);
  self->dark = mpy_theme_wants_dark_palette (widget);
  update_layout (self);
}

static void
mpy_damage_band_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, MPY_DAMAGE_BAND (object)->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_damage_band_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT:
      mpy_damage_band_set_text (MPY_DAMAGE_BAND (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_damage_band_finalize (GObject *object)
{
  MpyDamageBand *self = MPY_DAMAGE_BAND (object);

  g_clear_object (&self->layout);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (mpy_damage_band_parent_class)->finalize (object);
}

static void
mpy_damage_band_class_init (MpyDamageBandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mpy_damage_band_finalize;
  object_class->get_property = mpy_damage_band_get_property;
  object_class->set_property = mpy_damage_band_set_property;

  widget_class->measure = mpy_damage_band_measure;
  widget_class->size_allocate = mpy_damage_band_size_allocate;
  widget_class->snapshot = mpy_damage_band_snapshot;
  widget_class->css_changed = mpy_damage_band_css_changed;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, "What is wrong with the map shown, or NULL",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "damageband");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
mpy_damage_band_init (MpyDamageBand *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/**
 * mpy_damage_band_new:
 *
 * Returns: a new, hidden band.
 */
GtkWidget *
mpy_damage_band_new (void)
{
  return g_object_new (MPY_TYPE_DAMAGE_BAND, NULL);
}

/**
 * mpy_damage_band_set_text:
 * @text: (nullable): what to say; %NULL or empty hides the band
 */
void
mpy_damage_band_set_text (MpyDamageBand *self,
                          const char    *text)
{
  g_return_if_fail (MPY_IS_DAMAGE_BAND (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (text, self->text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
  update_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/**
 * mpy_damage_band_get_text:
 *
 * Returns: (nullable): the text shown, or %NULL when hidden
 */
const char *
mpy_damage_band_get_text (MpyDamageBand *self)
{
  g_return_val_if_fail (MPY_IS_DAMAGE_BAND (self), NULL);
  return self->text;
}
