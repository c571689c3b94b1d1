/* mpy-figures-panel.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "mpy-figures-panel.h"
#include "mpy-fit.h"
#include "mpy-leak.h"
#include "mpy-metric.h"
#include "mpy-stats.h"

/* Rows the panel can show, each with a key for mpy_figures_panel_get_value_text():
 *   one row per figure of the figure table (mpy-metric.h) that the snapshot has, under the
 *   figure's key ("stack_used", "gc_used", "fragmentation", …), in the table's order under
 *   one heading per group; and "damage", "time", "board_time", "port", "banner", "flags",
 *   "kind_<name>" (e.g. "kind_list": objects and blocks), "histogram_<i>" (objects of
 *   [2^i, 2^(i+1)) blocks), and in diff mode "diff_blocks_allocated", "diff_blocks_freed",
 *   "diff_blocks_changed", "diff_objects_new", "diff_objects_freed", "diff_objects_kept",
 *   "note" (the text set by mpy_figures_panel_set_note(), or the placeholder when empty),
 *   "garbage_bytes", "live_bytes" for a pair around gc.collect(), and "fit": the answer of
 *   the "Fits?" entry (NULL while it is empty).
 * In diff mode a figure known on both sides reads "value (Δ +n)". */

struct _MpyFiguresPanel
{
  GtkWidget    parent_instance;

  GtkWidget   *box;
  GtkWidget   *fit_entry;  /* "Fits?": a size in bytes or KiB */
  GtkWidget   *fit_label;  /* its answer */
  char        *fit_text;
  gboolean     have_fit_run;
  MpyFreeRun   fit_run;    /* the blocks it would take, for the canvas */
  GtkWidget   *grid;
  GHashTable  *values;     /* key → displayed value text */
  int          row;

  MpySnapshot *snapshot;
  MpyDiff     *diff;
  char        *note;       /* what is shown and why, over the figures; or the placeholder */
};

G_DEFINE_FINAL_TYPE (MpyFiguresPanel, mpy_figures_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SNAPSHOT,
  PROP_DIFF,
  PROP_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FIT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
number (guint64 value)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static char *
with_delta (char   *text,
            gint64  delta)
{
  g_autofree char *d = g_strdup_printf ("%+" G_GINT64_FORMAT, delta);
  char *result = g_strdup_printf (_("%s (Δ\u00a0%s)"), text, d);

  g_free (text);
  return result;
}

static void
add_heading (MpyFiguresPanel *self,
             const char      *title)
{
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  if (self->row > 0)
    gtk_widget_set_margin_top (label, 12);
  gtk_grid_attach (GTK_GRID (self->grid), label, 0, self->row++, 3, 1);
}

/* Adds a row and records its value text under @key. Returns the value label. */
static GtkWidget *
add_row (MpyFiguresPanel *self,
         const char      *key,
         const char      *title,
         char            *value,     /* (transfer full) */
         int              value_columns)
{
  GtkWidget *name = gtk_label_new (title);
  GtkWidget *label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "dim-label");
  /* A narrow panel (an 800 px window) wraps names as it wraps values, rather than cutting
   * them off; a word longer than the column (German compounds) breaks too, so the panel's
   * minimum width never depends on the language. */
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name), PANGO_WRAP_WORD_CHAR);
  /* ...but not before the values: a name keeps room for a word of a dozen characters. */
  gtk_label_set_width_chars (GTK_LABEL (name), 12);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (GTK_GRID (self->grid), name, 0, self->row, 1, 1);
  gtk_grid_attach (GTK_GRID (self->grid), label, 1, self->row, value_columns, 1);
  self->row++;
  g_hash_table_replace (self->values, g_strdup (key), value);
  return label;
}

/* One row per figure of the table that @snapshot has, under one heading per group. */
static void
add_metrics (MpyFiguresPanel *self,
             MpySnapshot     *snapshot,
             const MpyStats  *stats)
{
  int group = -1;

  for (guint m = 0; m < MPY_N_METRICS; m++)
    {
      char *text = mpy_metric_describe ((MpyMetric) m, snapshot, stats, self->diff);

      if (text == NULL)
        continue;
      if ((int) mpy_metric_get_group ((MpyMetric) m) != group)
        {
          group = mpy_metric_get_group ((MpyMetric) m);
          add_heading (self, mpy_metric_group_get_title ((MpyMetricGroup) group));
        }
      add_row (self, mpy_metric_get_key ((MpyMetric) m), mpy_metric_get_title ((MpyMetric) m), text, 2);
    }
}

/* A count from the diff: blocks with their bytes, or objects. */
static void
add_change (MpyFiguresPanel *self,
            const char      *key,
            const char      *title,
            gsize            value,
            MpyMetricUnit    unit,
            guint            bytes_per_block)
{
  add_row (self, key, title, mpy_metric_unit_format_value (unit, value, bytes_per_block), 2);
}

static char *
histogram_title (guint bucket)
{
  guint64 lo = G_GUINT64_CONSTANT (1) << bucket;
  guint64 hi = (G_GUINT64_CONSTANT (1) << (bucket + 1)) - 1;
  g_autofree char *lo_text = number (lo);
  g_autofree char *hi_text = number (hi);

  if (lo == hi)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s block", "%s blocks", lo), lo_text);
  /* Translators: a range of object sizes, e.g. "4–7 blocks" */
  return g_strdup_printf (_("%s–%s blocks"), lo_text, hi_text);
}

/* How the snapshot was taken: what was done to the board first matters for reading it. */
static void
add_capture_details (MpyFiguresPanel *self,
                     MpySnapshot     *snapshot)
{
  GDateTime *time = mpy_snapshot_get_time (snapshot);
  GDateTime *board_time = mpy_snapshot_get_board_time (snapshot);
  const char *port = mpy_snapshot_get_port (snapshot);
  const char *banner = mpy_snapshot_get_banner (snapshot);
  MpySnapshotFlags flags = mpy_snapshot_get_flags (snapshot);
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();

  if (time == NULL && board_time == NULL && port == NULL && banner == NULL
      && flags == MPY_SNAPSHOT_FLAG_NONE)
    return;

  add_heading (self, _("Capture"));
  if (time != NULL)
    add_row (self, "time", _("Taken"), g_date_time_format (time, "%Y-%m-%d %H:%M:%S"), 2);
  /* The board's own clock, from a named log's time: line (UTC: boards keep no time zone) */
  if (board_time != NULL)
    add_row (self, "board_time", _("Board time"),
             g_date_time_format (board_time, "%Y-%m-%d %H:%M:%S.%f UTC"), 2);
  if (port != NULL)
    add_row (self, "port", _("Port"), g_strdup (port), 2);
  if (banner != NULL)
    add_row (self, "banner", _("Firmware"), g_strdup (banner), 2);

  if (flags & MPY_SNAPSHOT_FLAG_SOFT_RESET)
    g_ptr_array_add (steps, (gpointer) _("soft reset"));
  if (flags & MPY_SNAPSHOT_FLAG_GC)
    g_ptr_array_add (steps, (gpointer) _("gc.collect()"));
  if (flags & MPY_SNAPSHOT_FLAG_RETRIED)
    g_ptr_array_add (steps, (gpointer) _("retried after a damaged dump"));
  g_ptr_array_add (steps, NULL);
  add_row (self, "flags", _("Before capture"),
           steps->len > 1 ? g_strjoinv (", ", (char **) steps->pdata)
                          : g_strdup (_("no soft reset, no gc.collect()")),
           2);
}

/* The answer of the "Fits?" entry for the shown snapshot (the diff's after). */
static void
update_fit (MpyFiguresPanel *self)
{
  MpySnapshot *snapshot = self->diff ? mpy_diff_get_after (self->diff) : self->snapshot;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->fit_entry));
  gboolean had_run = self->have_fit_run;
  MpyFitAnswer answer;
  guint64 bytes;

  g_clear_pointer (&self->fit_text, g_free);
  self->have_fit_run = FALSE;
  if (text[0] == '\0')
    ;
  else if (!mpy_fit_parse_size (text, &bytes))
    self->fit_text = g_strdup (_("Type a size in bytes or KiB, e.g. 2048 or 2k"));
  else if (snapshot == NULL || !mpy_fit_check (snapshot, bytes, &answer))
    self->fit_text = g_strdup (_("No block map: whether it fits cannot be told"));
  else if (answer.fits)
    {
      g_autofree char *size = mpy_metric_unit_format_value (MPY_METRIC_UNIT_BYTES, (double) bytes, 0);
      g_autofree char *address = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", answer.run.address);

      /* Translators: "Fits: 2048 bytes (2.0 KiB) in area 1 at 0x20000a40" */
      self->fit_text = g_strdup_printf (_("Fits: %s in area %u at %s"),
                                        size, answer.run.area + 1, address);
      self->have_fit_run = TRUE;
      self->fit_run = answer.run;
      self->fit_run.n_blocks = answer.blocks_needed;
    }
  else
    {
      g_autofree char *missing = mpy_metric_unit_format_value (MPY_METRIC_UNIT_BYTES,
                                                               (double) answer.missing_bytes, 0);
      g_autofree char *scattered = mpy_metric_unit_format_value (MPY_METRIC_UNIT_BYTES,
                                                                 (double) answer.scattered_free_bytes, 0);

      /* Translators: "Does not fit: 16 bytes too large for the largest free run; 3024 bytes
       * (2.9 KiB) are free in smaller holes" */
      self->fit_text = g_strdup_printf (_("Does not fit: %s too large for the largest free run; "
                                          "%s are free in smaller holes"), missing, scattered);
    }
  gtk_label_set_text (GTK_LABEL (self->fit_label), self->fit_text != NULL ? self->fit_text : "");
  gtk_widget_set_visible (self->fit_label, self->fit_text != NULL);
  if (had_run || self->have_fit_run)
    g_signal_emit (self, signals[SIGNAL_FIT_CHANGED], 0);
}

static void
fit_entry_changed (GtkEditable     *editable,
                   MpyFiguresPanel *self)
{
  update_fit (self);
}

static void
rebuild (MpyFiguresPanel *self)
{
  update_fit (self);
  MpySnapshot *snapshot = self->diff ? mpy_diff_get_after (self->diff) : self->snapshot;
  MpySnapshot *before = self->diff ? mpy_diff_get_before (self->diff) : NULL;
  GtkWidget *child;
  MpyStats stats, before_stats;
  guint bpb;

  while ((child = gtk_widget_get_first_child (self->grid)) != NULL)
    gtk_grid_remove (GTK_GRID (self->grid), child);
  g_hash_table_remove_all (self->values);
  self->row = 0;

  if (snapshot == NULL)
    {
      const char *text = self->note ? self->note : _("No snapshot selected");
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (GTK_GRID (self->grid), label, 0, 0, 3, 1);
      g_hash_table_insert (self->values, g_strdup ("note"), g_strdup (text));
      return;
    }

  if (self->note != NULL)
    {
      GtkWidget *label = gtk_label_new (self->note);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "warning");
      gtk_widget_set_margin_bottom (label, 6);
      gtk_grid_attach (GTK_GRID (self->grid), label, 0, self->row++, 3, 1);
      g_hash_table_insert (self->values, g_strdup ("note"), g_strdup (self->note));
    }

  bpb = mpy_snapshot_get_bytes_per_block (snapshot);

  if (mpy_snapshot_is_damaged (snapshot))
    {
      const char *reason = mpy_snapshot_get_damage_reason (snapshot);
      GtkWidget *label;

      if (reason == NULL)
        reason = _("the map disagrees with the header");
      /* One line: a long reason would fill the column; the whole of it is in the tooltip. */
      label = add_row (self, "damage", _("Damaged"), g_strdup (reason), 2);
      gtk_label_set_wrap (GTK_LABEL (label), FALSE);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 12);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
      gtk_widget_set_tooltip_text (label, reason);
      gtk_widget_add_css_class (label, "error");
    }

  /* A figure diff (no map, or another layout) has no block or object changes, only deltas. */
  if (self->diff != NULL && mpy_diff_has_blocks (self->diff))
    {
      add_heading (self, _("Changes"));
      add_change (self, "diff_objects_new", _("New objects"),
                  mpy_diff_get_objects_new (self->diff), MPY_METRIC_UNIT_COUNT, bpb);
      add_change (self, "diff_objects_freed", _("Freed objects"),
                  mpy_diff_get_objects_freed (self->diff), MPY_METRIC_UNIT_COUNT, bpb);
      add_change (self, "diff_objects_kept", _("Kept objects"),
                  mpy_diff_get_objects_kept (self->diff), MPY_METRIC_UNIT_COUNT, bpb);
      add_change (self, "diff_blocks_allocated", _("Allocated"),
                  mpy_diff_count_blocks (self->diff, MPY_DIFF_ALLOCATED), MPY_METRIC_UNIT_BLOCKS, bpb);
      add_change (self, "diff_blocks_freed", _("Freed"),
                  mpy_diff_count_blocks (self->diff, MPY_DIFF_FREED), MPY_METRIC_UNIT_BLOCKS, bpb);
      add_change (self, "diff_blocks_changed", _("Reused by another object"),
                  mpy_diff_count_blocks (self->diff, MPY_DIFF_CHANGED), MPY_METRIC_UNIT_BLOCKS, bpb);
      /* A pair around gc.collect(): what gc freed is garbage, the rest is live. */
      if ((mpy_snapshot_get_flags (snapshot) & MPY_SNAPSHOT_FLAG_GC) &&
          !(mpy_snapshot_get_flags (before) & MPY_SNAPSHOT_FLAG_GC))
        {
          guint64 garbage = 0, live = 0;

          mpy_pair_get_garbage_live (self->diff, &garbage, &live);
          add_row (self, "garbage_bytes", _("Garbage (freed by gc)"),
                   mpy_metric_unit_format_value (MPY_METRIC_UNIT_BYTES, (double) garbage, bpb), 2);
          add_row (self, "live_bytes", _("Live"),
                   mpy_metric_unit_format_value (MPY_METRIC_UNIT_BYTES, (double) live, bpb), 2);
        }
    }

  add_capture_details (self, snapshot);

  mpy_stats_compute (snapshot, &stats);
  if (before != NULL)
    mpy_stats_compute (before, &before_stats);
  add_metrics (self, snapshot, &stats);

  if (!mpy_snapshot_has_map (snapshot))
    {
      GtkWidget *label = gtk_label_new (_("No block map: this dump was printed by mem_info() "
                                          "without an argument."));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 12);
      gtk_grid_attach (GTK_GRID (self->grid), label, 0, self->row++, 3, 1);
      return;
    }

  add_heading (self, _("Kinds"));
  for (guint i = 0; i < MPY_N_KINDS; i++)
    {
      const char *name = mpy_kind_get_name (mpy_kinds[i]);
      g_autofree char *key = g_strdup_printf ("kind_%s", name);
      g_autofree char *blocks = mpy_metric_unit_format_value (MPY_METRIC_UNIT_BLOCKS,
                                                              stats.kind_blocks[i], bpb);
      char *text;

      if (stats.kind_blocks[i] == 0 && (before == NULL || before_stats.kind_blocks[i] == 0))
        continue;
      if (mpy_kind_is_head (mpy_kinds[i]))
        {
          g_autofree char *n = number (stats.kind_objects[i]);

          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\u00a0object, %s",
                                               "%s\u00a0objects, %s", stats.kind_objects[i]),
                                  n, blocks);
        }
      else
        text = g_strdup (blocks);
      if (before != NULL)
        text = with_delta (text, (gint64) stats.kind_blocks[i] - (gint64) before_stats.kind_blocks[i]);
      /* The legend's names, translated (marked in mpy-palette.c). */
      add_row (self, key, _(name), text, 2);
    }

  add_heading (self, _("Object sizes"));
  {
    gsize max = 1;

    for (guint i = 0; i < MPY_HISTOGRAM_BUCKETS; i++)
      max = MAX (max, stats.histogram[i]);
    for (guint i = 0; i < MPY_HISTOGRAM_BUCKETS; i++)
      {
        g_autofree char *key = NULL;
        g_autofree char *title = NULL;
        GtkWidget *bar;
        char *text;

        if (stats.histogram[i] == 0 && (before == NULL || before_stats.histogram[i] == 0))
          continue;
        key = g_strdup_printf ("histogram_%u", i);
        title = histogram_title (i);
        text = number (stats.histogram[i]);
        if (before != NULL)
          text = with_delta (text, (gint64) stats.histogram[i] - (gint64) before_stats.histogram[i]);
        add_row (self, key, title, text, 1);

        bar = gtk_level_bar_new_for_interval (0, max);
        gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), stats.histogram[i]);
        /* Plain proportional bars: no low/high/full colour offsets. */
        gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
        gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
        gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
        gtk_widget_set_hexpand (bar, TRUE);
        gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
        gtk_widget_set_size_request (bar, 60, -1);
        gtk_grid_attach (GTK_GRID (self->grid), bar, 2, self->row - 1, 1, 1);
      }
  }
}

static void
mpy_figures_panel_dispose (GObject *object)
{
  MpyFiguresPanel *self = MPY_FIGURES_PANEL (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  self->grid = NULL;
  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->diff, mpy_diff_unref);

  G_OBJECT_CLASS (mpy_figures_panel_parent_class)->dispose (object);
}

static void
mpy_figures_panel_finalize (GObject *object)
{
  MpyFiguresPanel *self = MPY_FIGURES_PANEL (object);

  g_clear_pointer (&self->values, g_hash_table_unref);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->fit_text, g_free);

  G_OBJECT_CLASS (mpy_figures_panel_parent_class)->finalize (object);
}

static void
mpy_figures_panel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MpyFiguresPanel *self = MPY_FIGURES_PANEL (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_DIFF:
      g_value_set_boxed (value, self->diff);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_figures_panel_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MpyFiguresPanel *self = MPY_FIGURES_PANEL (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      mpy_figures_panel_set_snapshot (self, g_value_get_boxed (value));
      break;
    case PROP_DIFF:
      mpy_figures_panel_set_diff (self, g_value_get_boxed (value));
      break;
    case PROP_NOTE:
      mpy_figures_panel_set_note (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_figures_panel_class_init (MpyFiguresPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mpy_figures_panel_dispose;
  object_class->finalize = mpy_figures_panel_finalize;
  object_class->get_property = mpy_figures_panel_get_property;
  object_class->set_property = mpy_figures_panel_set_property;

  properties[PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, "The snapshot whose figures are shown",
                        MPY_TYPE_SNAPSHOT,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIFF] =
    g_param_spec_boxed ("diff", NULL, "The diff whose after and deltas are shown, or NULL",
                        MPY_TYPE_DIFF,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, "A line over the figures saying what they are of",
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MpyFiguresPanel::fit-changed:
   *
   * The blocks the "Fits?" entry found (mpy_figures_panel_get_fit_run()) changed: the
   * canvas outlines them.
   */
  signals[SIGNAL_FIT_CHANGED] =
    g_signal_new ("fit-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "figurespanel");
}

static void
mpy_figures_panel_init (MpyFiguresPanel *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 12);
  gtk_widget_set_margin_start (self->grid, 12);
  gtk_widget_set_margin_end (self->grid, 12);
  gtk_widget_set_margin_top (self->grid, 12);
  gtk_widget_set_margin_bottom (self->grid, 12);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  /* Fits? — will one object of this size fit now, and where */
  {
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *title = gtk_label_new (_("Fits?"));

    gtk_widget_set_margin_start (row, 12);
    gtk_widget_set_margin_end (row, 12);
    gtk_widget_set_margin_top (row, 12);
    gtk_widget_add_css_class (title, "dim-label");
    self->fit_entry = gtk_entry_new ();
    gtk_widget_set_hexpand (self->fit_entry, TRUE);
    gtk_entry_set_placeholder_text (GTK_ENTRY (self->fit_entry), _("Size in bytes or KiB"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->fit_entry),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Will an object of this size fit?"), -1);
    g_signal_connect (self->fit_entry, "changed", G_CALLBACK (fit_entry_changed), self);
    gtk_box_append (GTK_BOX (row), title);
    gtk_box_append (GTK_BOX (row), self->fit_entry);
    gtk_box_append (GTK_BOX (self->box), row);

    self->fit_label = gtk_label_new (NULL);
    gtk_label_set_wrap (GTK_LABEL (self->fit_label), TRUE);
    gtk_label_set_xalign (GTK_LABEL (self->fit_label), 0);
    gtk_label_set_selectable (GTK_LABEL (self->fit_label), TRUE);
    gtk_widget_set_margin_start (self->fit_label, 12);
    gtk_widget_set_margin_end (self->fit_label, 12);
    gtk_widget_set_margin_top (self->fit_label, 4);
    gtk_widget_set_visible (self->fit_label, FALSE);
    gtk_box_append (GTK_BOX (self->box), self->fit_label);
  }
  gtk_box_append (GTK_BOX (self->box), self->grid);
  rebuild (self);
}

/**
 * mpy_figures_panel_new:
 *
 * Returns: a new, empty figures panel.
 */
GtkWidget *
mpy_figures_panel_new (void)
{
  return g_object_new (MPY_TYPE_FIGURES_PANEL, NULL);
}

/**
 * mpy_figures_panel_set_snapshot:
 * @snapshot: (nullable): the snapshot whose figures to show
 *
 * Shows the figures of @snapshot and leaves diff mode.
 */
void
mpy_figures_panel_set_snapshot (MpyFiguresPanel *self,
                                MpySnapshot     *snapshot)
{
  gboolean had_diff;

  g_return_if_fail (MPY_IS_FIGURES_PANEL (self));

  had_diff = self->diff != NULL;
  if (snapshot != NULL)
    mpy_snapshot_ref (snapshot);
  g_clear_pointer (&self->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&self->diff, mpy_diff_unref);
  self->snapshot = snapshot;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
  if (had_diff)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFF]);
}

/**
 * mpy_figures_panel_set_diff:
 * @diff: (nullable): the diff to show, or %NULL to go back to the snapshot
 *
 * Shows the figures of the diff's "after" with the delta of each against its "before".
 */
void
mpy_figures_panel_set_diff (MpyFiguresPanel *self,
                            MpyDiff         *diff)
{
  g_return_if_fail (MPY_IS_FIGURES_PANEL (self));

  if (diff == self->diff)
    return;
  if (diff != NULL)
    mpy_diff_ref (diff);
  g_clear_pointer (&self->diff, mpy_diff_unref);
  self->diff = diff;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFF]);
}

/**
 * mpy_figures_panel_set_note:
 * @note: (nullable): a line over the figures saying what they are of (e.g. when a pair that
 *   cannot be compared shows one side), or, with no snapshot, the text shown instead of
 *   "No snapshot selected"; %NULL for none
 *
 * The note stays until it is set again.
 */
void
mpy_figures_panel_set_note (MpyFiguresPanel *self,
                            const char      *note)
{
  g_return_if_fail (MPY_IS_FIGURES_PANEL (self));

  if (g_strcmp0 (note, self->note) == 0)
    return;
  g_free (self->note);
  self->note = g_strdup (note);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE]);
}

/**
 * mpy_figures_panel_get_value_text:
 * @key: a figure key ("gc_used", "fragmentation", …; see the list at the top of this file)
 *
 * Returns: (nullable): the displayed value text of that figure, or %NULL when not shown
 */
const char *
mpy_figures_panel_get_value_text (MpyFiguresPanel *self,
                                  const char      *key)
{
  g_return_val_if_fail (MPY_IS_FIGURES_PANEL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (g_str_equal (key, "fit"))
    return self->fit_text;
  return g_hash_table_lookup (self->values, key);
}

/**
 * mpy_figures_panel_set_fit_text:
 * @text: what to type into the "Fits?" entry ("2048", "2k"; "" clears it)
 */
void
mpy_figures_panel_set_fit_text (MpyFiguresPanel *self,
                                const char      *text)
{
  g_return_if_fail (MPY_IS_FIGURES_PANEL (self));

  gtk_editable_set_text (GTK_EDITABLE (self->fit_entry), text != NULL ? text : "");
}

/**
 * mpy_figures_panel_get_fit_run:
 * @first_block: (out) (optional): the first block the object would take
 * @n_blocks: (out) (optional): how many blocks it takes
 *
 * Returns: %TRUE when the "Fits?" entry holds a size that fits now.
 */
gboolean
mpy_figures_panel_get_fit_run (MpyFiguresPanel *self,
                               gsize           *first_block,
                               gsize           *n_blocks)
{
  g_return_val_if_fail (MPY_IS_FIGURES_PANEL (self), FALSE);

  if (first_block != NULL)
    *first_block = self->fit_run.first_block;
  if (n_blocks != NULL)
    *n_blocks = self->fit_run.n_blocks;
  return self->have_fit_run;
}
