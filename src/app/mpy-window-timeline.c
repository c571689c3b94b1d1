/* mpy-window-timeline.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The timeline below the canvas: the chart of the document (it writes the document's
 * selection, so a click shows a snapshot and a dragged range a diff, as the list does) and
 * the menu of what it shows.
 */

#include <glib/gi18n.h>

#include "mpy-timeline.h"
#include "mpy-window-private.h"

static void
add_property_action (MpyWindow  *self,
                     const char *name,
                     gpointer    object,
                     const char *property)
{
  g_autoptr(GPropertyAction) action = g_property_action_new (name, object, property);

  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
}

void
_mpy_window_timeline_init (MpyWindow *self)
{
  MpyTimeline *timeline = MPY_TIMELINE (self->timeline);

  mpy_timeline_set_model (timeline, mpy_document_get_selection (self->document));

  /* The menu's items follow the chart's properties. */
  add_property_action (self, "show-timeline", self->timeline_revealer, "reveal-child");
  add_property_action (self, "timeline-show-area", timeline, "show-area");
  add_property_action (self, "timeline-by-time", timeline, "by-time");
  for (guint s = 0; s < MPY_N_CHART_SERIES; s++)
    {
      const char *property = mpy_timeline_series_property (s);
      g_autofree char *name = g_strconcat ("timeline-", property, NULL);

      add_property_action (self, name, timeline, property);
    }
}

void
_mpy_window_timeline_dispose (MpyWindow *self)
{
}

GtkWidget *
mpy_window_get_timeline (MpyWindow *self)
{
  g_return_val_if_fail (MPY_IS_WINDOW (self), NULL);

  return self->timeline;
}
