/* mpy-snapshot-row.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-snapshot-row.h"

struct _MpySnapshotRow
{
  GtkWidget         parent_instance;

  MpySnapshotItem  *item;
  gulong            notify_handler;
  gulong            rename_handler;
  gboolean          dropping_edit;

  GtkImage         *damaged_icon;
  GtkEditableLabel *label;
  GtkLabel         *details;
};

G_DEFINE_FINAL_TYPE (MpySnapshotRow, mpy_snapshot_row, GTK_TYPE_WIDGET)

static void
mpy_snapshot_row_update (MpySnapshotRow *self)
{
  g_autofree char *time_text = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *details = NULL;
  const char *reason;

  if (self->item == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->label), "");
      gtk_label_set_text (self->details, "");
      gtk_widget_set_visible (GTK_WIDGET (self->damaged_icon), FALSE);
      return;
    }

  time_text = mpy_snapshot_item_dup_time_text (self->item);
  summary = mpy_snapshot_item_dup_summary (self->item);
  details = g_strdup_printf ("%s\n%s", time_text, summary);

  if (!gtk_editable_label_get_editing (self->label))
    gtk_editable_set_text (GTK_EDITABLE (self->label), mpy_snapshot_item_get_label (self->item));
  gtk_label_set_text (self->details, details);

  reason = mpy_snapshot_item_get_damage_reason (self->item);
  gtk_widget_set_visible (GTK_WIDGET (self->damaged_icon),
                          mpy_snapshot_item_get_damaged (self->item));
  if (mpy_snapshot_item_get_damaged (self->item))
    {
      g_autofree char *tooltip = NULL;

      tooltip = g_strdup_printf (_("Damaged dump: %s"),
                                 reason ? reason : _("the map disagrees with its figures"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->damaged_icon), tooltip);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
    }
}

void
mpy_snapshot_row_stop_editing (MpySnapshotRow *self,
                               gboolean        commit)
{
  g_return_if_fail (MPY_IS_SNAPSHOT_ROW (self));

  if (mpy_snapshot_row_get_editing (self))
    gtk_editable_label_stop_editing (self->label, commit);
}

/* Editing ended (Enter, Escape, the focus left): a committed name goes to the item, which
 * keeps the old one when the new is empty. */
static void
editing_cb (MpySnapshotRow   *self,
            GParamSpec       *pspec,
            GtkEditableLabel *label)
{
  if (gtk_editable_label_get_editing (label) || self->dropping_edit)
    return;

  if (self->item != NULL)
    mpy_snapshot_item_set_label (self->item, gtk_editable_get_text (GTK_EDITABLE (label)));
  mpy_snapshot_row_update (self);

  /* Hand the focus back to the list so keyboard navigation continues. */
  if (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL)
    gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (self)));
}

static void
item_notify_cb (MpySnapshotRow  *self,
                GParamSpec      *pspec,
                MpySnapshotItem *item)
{
  mpy_snapshot_row_update (self);
}

static void
rename_requested_cb (MpySnapshotRow  *self,
                     MpySnapshotItem *item)
{
  mpy_snapshot_row_start_editing (self);
}

static void
mpy_snapshot_row_dispose (GObject *object)
{
  MpySnapshotRow *self = (MpySnapshotRow *) object;
  GtkWidget *child;

  mpy_snapshot_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MPY_TYPE_SNAPSHOT_ROW);
  /* The template's unnamed top-level box is not cleared by dispose_template. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mpy_snapshot_row_parent_class)->dispose (object);
}

static void
mpy_snapshot_row_class_init (MpySnapshotRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mpy_snapshot_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/MpyMemMap/mpy-snapshot-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, MpySnapshotRow, damaged_icon);
  gtk_widget_class_bind_template_child (widget_class, MpySnapshotRow, label);
  gtk_widget_class_bind_template_child (widget_class, MpySnapshotRow, details);
  gtk_widget_class_bind_template_callback (widget_class, editing_cb);
}

/* GtkEditableLabel (4.8) shows its text in a plain GtkLabel that never ellipsizes, so a long
 * label would widen the whole list column: ellipsize it (the full text is in the editor). */
static void
ellipsize_labels (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child))
        gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      ellipsize_labels (child);
    }
}

static void
mpy_snapshot_row_init (MpySnapshotRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ellipsize_labels (GTK_WIDGET (self->label));
}

GtkWidget *
mpy_snapshot_row_new (void)
{
  return g_object_new (MPY_TYPE_SNAPSHOT_ROW, NULL);
}

MpySnapshotItem *
mpy_snapshot_row_get_item (MpySnapshotRow *self)
{
  g_return_val_if_fail (MPY_IS_SNAPSHOT_ROW (self), NULL);

  return self->item;
}

void
mpy_snapshot_row_set_item (MpySnapshotRow  *self,
                           MpySnapshotItem *item)
{
  g_return_if_fail (MPY_IS_SNAPSHOT_ROW (self));
  g_return_if_fail (item == NULL || MPY_IS_SNAPSHOT_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    {
      /* A row reused for another item: the edit of the old one is dropped. */
      if (mpy_snapshot_row_get_editing (self))
        {
          self->dropping_edit = TRUE;
          gtk_editable_label_stop_editing (self->label, FALSE);
          self->dropping_edit = FALSE;
        }
      g_clear_signal_handler (&self->notify_handler, self->item);
      g_clear_signal_handler (&self->rename_handler, self->item);
      g_clear_object (&self->item);
    }

  if (item != NULL)
    {
      self->item = g_object_ref (item);
      self->notify_handler = g_signal_connect_object (item, "notify",
                                                      G_CALLBACK (item_notify_cb),
                                                      self, G_CONNECT_SWAPPED);
      self->rename_handler = g_signal_connect_object (item, "rename-requested",
                                                      G_CALLBACK (rename_requested_cb),
                                                      self, G_CONNECT_SWAPPED);
    }

  mpy_snapshot_row_update (self);
}

gboolean
mpy_snapshot_row_get_editing (MpySnapshotRow *self)
{
  g_return_val_if_fail (MPY_IS_SNAPSHOT_ROW (self), FALSE);

  return gtk_editable_label_get_editing (self->label);
}

void
mpy_snapshot_row_start_editing (MpySnapshotRow *self)
{
  g_return_if_fail (MPY_IS_SNAPSHOT_ROW (self));

  if (self->item == NULL || mpy_snapshot_row_get_editing (self))
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->label), mpy_snapshot_item_get_label (self->item));
  gtk_editable_label_start_editing (self->label);
  gtk_editable_select_region (GTK_EDITABLE (self->label), 0, -1);
}
