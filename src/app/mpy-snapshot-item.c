/* mpy-snapshot-item.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-snapshot-item.h"

struct _MpySnapshotItem
{
  GObject      parent_instance;
  MpySnapshot *snapshot;
};

G_DEFINE_FINAL_TYPE (MpySnapshotItem, mpy_snapshot_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_TIME_TEXT,
  PROP_SUMMARY,
  PROP_DAMAGED,
  PROP_DAMAGE_REASON,
  PROP_SNAPSHOT,
  N_PROPS
};

enum {
  RENAME_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
mpy_snapshot_item_finalize (GObject *object)
{
  MpySnapshotItem *self = (MpySnapshotItem *) object;

  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);

  G_OBJECT_CLASS (mpy_snapshot_item_parent_class)->finalize (object);
}

static void
mpy_snapshot_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MpySnapshotItem *self = MPY_SNAPSHOT_ITEM (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, mpy_snapshot_item_get_label (self));
      break;

    case PROP_TIME_TEXT:
      g_value_take_string (value, mpy_snapshot_item_dup_time_text (self));
      break;

    case PROP_SUMMARY:
      g_value_take_string (value, mpy_snapshot_item_dup_summary (self));
      break;

    case PROP_DAMAGED:
      g_value_set_boolean (value, mpy_snapshot_item_get_damaged (self));
      break;

    case PROP_DAMAGE_REASON:
      g_value_set_string (value, mpy_snapshot_item_get_damage_reason (self));
      break;

    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_snapshot_item_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MpySnapshotItem *self = MPY_SNAPSHOT_ITEM (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      mpy_snapshot_item_set_label (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_snapshot_item_class_init (MpySnapshotItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mpy_snapshot_item_finalize;
  object_class->get_property = mpy_snapshot_item_get_property;
  object_class->set_property = mpy_snapshot_item_set_property;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME_TEXT] =
    g_param_spec_string ("time-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DAMAGED] =
    g_param_spec_boolean ("damaged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DAMAGE_REASON] =
    g_param_spec_string ("damage-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* For views outside src/app (the timeline) that read items by property. */
  properties[PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, NULL, MPY_TYPE_SNAPSHOT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RENAME_REQUESTED] =
    g_signal_new ("rename-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
mpy_snapshot_item_init (MpySnapshotItem *self)
{
}

MpySnapshotItem *
mpy_snapshot_item_new (MpySnapshot *snapshot)
{
  MpySnapshotItem *self;

  g_return_val_if_fail (snapshot != NULL, NULL);

  self = g_object_new (MPY_TYPE_SNAPSHOT_ITEM, NULL);
  self->snapshot = mpy_snapshot_ref (snapshot);

  return self;
}

MpySnapshot *
mpy_snapshot_item_get_snapshot (MpySnapshotItem *self)
{
  g_return_val_if_fail (MPY_IS_SNAPSHOT_ITEM (self), NULL);

  return self->snapshot;
}

void
mpy_snapshot_item_set_snapshot (MpySnapshotItem *self,
                                MpySnapshot     *snapshot)
{
  g_return_if_fail (MPY_IS_SNAPSHOT_ITEM (self));
  g_return_if_fail (snapshot != NULL);

  if (snapshot == self->snapshot)
    return;

  mpy_snapshot_ref (snapshot);
  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);
  self->snapshot = snapshot;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_0 + 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
mpy_snapshot_item_get_label (MpySnapshotItem *self)
{
  const char *label;

  g_return_val_if_fail (MPY_IS_SNAPSHOT_ITEM (self), NULL);

  label = mpy_snapshot_get_label (self->snapshot);

  return label != NULL && *label != '\0' ? label : _("Untitled snapshot");
}

void
mpy_snapshot_item_set_label (MpySnapshotItem *self,
                             const char      *label)
{
  g_autoptr(MpySnapshot) relabelled = NULL;
  g_autofree char *stripped = NULL;

  g_return_if_fail (MPY_IS_SNAPSHOT_ITEM (self));

  stripped = g_strstrip (g_strdup (label ? label : ""));
  /* An empty label would make the row unreadable: keep the old one. */
  if (*stripped == '\0' || g_strcmp0 (stripped, mpy_snapshot_get_label (self->snapshot)) == 0)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
      return;
    }

  relabelled = mpy_snapshot_with_label (self->snapshot, stripped);
  mpy_snapshot_item_set_snapshot (self, relabelled);
}

char *
mpy_snapshot_item_dup_time_text (MpySnapshotItem *self)
{
  GDateTime *time;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (MPY_IS_SNAPSHOT_ITEM (self), NULL);

  time = mpy_snapshot_get_time (self->snapshot);
  if (time == NULL && mpy_snapshot_get_board_time (self->snapshot) != NULL)
    {
      /* A named log's dump: the board's clock (UTC; boards keep no time zone) */
      g_autofree char *board = g_date_time_format (mpy_snapshot_get_board_time (self->snapshot),
                                                   "%Y-%m-%d %H:%M:%S");

      /* Translators: the time a board's own clock gave a dump in its log */
      return g_strdup_printf (_("%s (board clock)"), board);
    }
  if (time == NULL)
    return g_strdup (_("time unknown"));

  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

char *
mpy_snapshot_item_dup_summary (MpySnapshotItem *self)
{
  guint64 used, free_bytes;
  gboolean have_used, have_free;
  g_autofree char *used_text = NULL;
  g_autofree char *free_text = NULL;

  g_return_val_if_fail (MPY_IS_SNAPSHOT_ITEM (self), NULL);

  have_used = mpy_snapshot_get_figure (self->snapshot, MPY_FIGURE_GC_USED, &used);
  have_free = mpy_snapshot_get_figure (self->snapshot, MPY_FIGURE_GC_FREE, &free_bytes);

  used_text = have_used ? g_format_size_full (used, G_FORMAT_SIZE_IEC_UNITS) : g_strdup ("?");
  free_text = have_free ? g_format_size_full (free_bytes, G_FORMAT_SIZE_IEC_UNITS) : g_strdup ("?");

  if (!mpy_snapshot_has_map (self->snapshot))
    /* Translators: a snapshot taken with mem_info() without argument has no block map */
    return g_strdup_printf (_("used %s · free %s · figures only"), used_text, free_text);

  return g_strdup_printf (_("used %s · free %s"), used_text, free_text);
}

gboolean
mpy_snapshot_item_get_damaged (MpySnapshotItem *self)
{
  g_return_val_if_fail (MPY_IS_SNAPSHOT_ITEM (self), FALSE);

  return mpy_snapshot_is_damaged (self->snapshot);
}

const char *
mpy_snapshot_item_get_damage_reason (MpySnapshotItem *self)
{
  g_return_val_if_fail (MPY_IS_SNAPSHOT_ITEM (self), NULL);

  return mpy_snapshot_get_damage_reason (self->snapshot);
}

void
mpy_snapshot_item_request_rename (MpySnapshotItem *self)
{
  g_return_if_fail (MPY_IS_SNAPSHOT_ITEM (self));

  g_signal_emit (self, signals[RENAME_REQUESTED], 0);
}
