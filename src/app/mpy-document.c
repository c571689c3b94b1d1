/* mpy-document.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mpy-autosave.h"
#include "mpy-document-private.h"
#include "mpy-session.h"
#include "mpy-snapshot-item.h"

G_DEFINE_FINAL_TYPE (MpyDocument, mpy_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_DIRTY,
  PROP_SAMPLE,
  PROP_CAN_UNDO,
  PROP_UNDO_TEXT,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
guint _mpy_document_signals[N_SIGNALS];

/* The snapshot an item showed when the document last looked: a change of it is a rename. */
static GQuark
known_quark (void)
{
  return g_quark_from_static_string ("mpy-document-known-snapshot");
}

static void
undo_step_free (UndoStep *step)
{
  g_free (step->text);
  g_clear_pointer (&step->items, g_ptr_array_unref);
  g_clear_pointer (&step->positions, g_array_unref);
  g_clear_object (&step->item);
  g_clear_pointer (&step->before, mpy_snapshot_unref);
  g_free (step);
}

static void
notify_state (MpyDocument *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
_mpy_document_set_flags (MpyDocument *self,
           gboolean     dirty,
           gboolean     sample)
{
  gboolean changed = FALSE;

  if (self->dirty != !!dirty)
    {
      self->dirty = !!dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
      changed = TRUE;
    }
  if (self->sample != !!sample)
    {
      self->sample = !!sample;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLE]);
      changed = TRUE;
    }
  if (changed)
    notify_state (self);
}

void
_mpy_document_set_file (MpyDocument *self,
          GFile       *file)
{
  if (g_set_object (&self->file, file))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      notify_state (self);
    }
}

static void
clear_undo (MpyDocument *self)
{
  if (g_queue_is_empty (&self->undo))
    return;
  g_queue_clear_full (&self->undo, (GDestroyNotify) undo_step_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_TEXT]);
}

static void
push_undo (MpyDocument *self,
           UndoStep    *step)
{
  g_queue_push_head (&self->undo, step);
  while (g_queue_get_length (&self->undo) > MAX_UNDO)
    undo_step_free (g_queue_pop_tail (&self->undo));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_TEXT]);
}

static void
changed (MpyDocument *self)
{
  _mpy_document_set_flags (self, TRUE, FALSE);
  _mpy_document_sync_journal (self);
}

/* Items ----------------------------------------------------------------------------------- */

static void
item_label_cb (MpyDocument     *self,
               GParamSpec      *pspec,
               MpySnapshotItem *item)
{
  MpySnapshot *known = g_object_get_qdata (G_OBJECT (item), known_quark ());
  MpySnapshot *now = mpy_snapshot_item_get_snapshot (item);

  if (known == now)
    return;

  if (!self->undoing && known != NULL)
    {
      UndoStep *step = g_new0 (UndoStep, 1);
      const char *old_label = mpy_snapshot_get_label (known);

      step->kind = UNDO_RENAME;
      /* Translators: in the undo banner after a rename */
      step->text = g_strdup_printf (_("Renamed “%s” to “%s”"),
                                    old_label && *old_label ? old_label : _("Untitled snapshot"),
                                    mpy_snapshot_item_get_label (item));
      step->item = g_object_ref (item);
      step->before = mpy_snapshot_ref (known);
      push_undo (self, step);
    }

  g_object_set_qdata_full (G_OBJECT (item), known_quark (), mpy_snapshot_ref (now),
                           (GDestroyNotify) mpy_snapshot_unref);
  changed (self);
  g_signal_emit (self, _mpy_document_signals[ITEM_CHANGED], 0, item);
}

static MpySnapshotItem *
new_item (MpyDocument *self,
          MpySnapshot *snapshot)
{
  MpySnapshotItem *item = mpy_snapshot_item_new (snapshot);

  g_object_set_qdata_full (G_OBJECT (item), known_quark (), mpy_snapshot_ref (snapshot),
                           (GDestroyNotify) mpy_snapshot_unref);
  g_signal_connect_object (item, "notify::label", G_CALLBACK (item_label_cb),
                           self, G_CONNECT_SWAPPED);
  return item;
}

static GPtrArray *
new_items (MpyDocument *self,
           GPtrArray   *snapshots)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < snapshots->len; i++)
    g_ptr_array_add (items, new_item (self, g_ptr_array_index (snapshots, i)));
  return items;
}

static void
select_added (MpyDocument *self,
              guint        position,
              guint        n)
{
  /* A pair (before and after gc.collect(), a log of two) shows as a diff; otherwise the
   * newest state. */
  if (n == 2)
    gtk_selection_model_select_range (GTK_SELECTION_MODEL (self->selection), position, 2, TRUE);
  else if (n > 0)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position + n - 1, TRUE);
}

/* The whole list becomes @snapshots. */
static void
replace_all (MpyDocument *self,
             GPtrArray   *snapshots)
{
  g_autoptr(GPtrArray) items = new_items (self, snapshots);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));

  clear_undo (self);
  g_list_store_splice (self->snapshots, 0, n, items->pdata, items->len);
}

static GPtrArray *
label_snapshots (GPtrArray  *snapshots,
                 const char *base)
{
  GPtrArray *labelled = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  for (guint i = 0; i < snapshots->len; i++)
    {
      MpySnapshot *snapshot = g_ptr_array_index (snapshots, i);
      const char *label = mpy_snapshot_get_label (snapshot);

      if (label == NULL || *label == '\0')
        {
          g_autofree char *new_label = NULL;

          new_label = snapshots->len > 1
            ? g_strdup_printf ("%s #%u", base, i + 1)
            : g_strdup (base);
          g_ptr_array_add (labelled, mpy_snapshot_with_label (snapshot, new_label));
        }
      else
        g_ptr_array_add (labelled, mpy_snapshot_ref (snapshot));
    }

  return labelled;
}

/* GObject --------------------------------------------------------------------------------- */

static void
autosave_failed_cb (MpyDocument *self,
                    const char  *message)
{
  g_signal_emit (self, _mpy_document_signals[JOURNAL_FAILED], 0, message);
}

static void
mpy_document_dispose (GObject *object)
{
  MpyDocument *self = (MpyDocument *) object;

  clear_undo (self);
  if (self->autosave != NULL)
    {
      mpy_autosave_flush (self->autosave);
      g_signal_handlers_disconnect_by_data (self->autosave, self);
    }
  g_clear_object (&self->autosave);
  /* From now on the journal (if any) is one the next start offers back; without one, the
   * lock file goes too. */
  if (self->journal_lock != NULL && !g_file_test (self->journal_path, G_FILE_TEST_EXISTS))
    mpy_journal_lock_discard (g_steal_pointer (&self->journal_lock));
  g_clear_pointer (&self->journal_lock, mpy_journal_lock_free);
  g_clear_object (&self->selection);
  g_clear_object (&self->snapshots);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (mpy_document_parent_class)->dispose (object);
}

static void
mpy_document_finalize (GObject *object)
{
  MpyDocument *self = (MpyDocument *) object;

  g_free (self->journal_path);

  G_OBJECT_CLASS (mpy_document_parent_class)->finalize (object);
}

static void
mpy_document_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MpyDocument *self = MPY_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;

    case PROP_SAMPLE:
      g_value_set_boolean (value, self->sample);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, mpy_document_get_can_undo (self));
      break;

    case PROP_UNDO_TEXT:
      g_value_set_string (value, mpy_document_get_undo_text (self));
      break;

    case PROP_TITLE:
      g_value_take_string (value, mpy_document_dup_title (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_document_class_init (MpyDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mpy_document_dispose;
  object_class->finalize = mpy_document_finalize;
  object_class->get_property = mpy_document_get_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SAMPLE] =
    g_param_spec_boolean ("sample", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNDO_TEXT] =
    g_param_spec_string ("undo-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _mpy_document_signals[JOURNAL_FAILED] =
    g_signal_new ("journal-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  _mpy_document_signals[ITEM_CHANGED] =
    g_signal_new ("item-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MPY_TYPE_SNAPSHOT_ITEM);
}

static void
mpy_document_init (MpyDocument *self)
{
  g_autoptr(GError) lock_error = NULL;

  g_queue_init (&self->undo);
  self->snapshots = g_list_store_new (MPY_TYPE_SNAPSHOT_ITEM);
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->snapshots)));

  /* A journal of this document's own, locked while it lives: another instance never offers
   * it for restore nor deletes it. */
  self->journal_path = mpy_journal_lock_new_own_path ();
  /* (A start tidying away a lock file just as it is made here makes one try fail.) */
  for (int i = 0; i < 3 && self->journal_lock == NULL; i++)
    {
      g_clear_error (&lock_error);
      self->journal_lock = mpy_journal_lock_try (self->journal_path, &lock_error);
    }
  if (self->journal_lock == NULL)
    g_warning ("%s", lock_error->message);
  self->autosave = mpy_autosave_new (self->journal_path);
  g_signal_connect_object (self->autosave, "write-failed",
                           G_CALLBACK (autosave_failed_cb), self, G_CONNECT_SWAPPED);
}

MpyDocument *
mpy_document_new (void)
{
  return g_object_new (MPY_TYPE_DOCUMENT, NULL);
}

/* Getters --------------------------------------------------------------------------------- */

GListModel *
mpy_document_get_snapshots (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), NULL);

  return G_LIST_MODEL (self->snapshots);
}

GtkSelectionModel *
mpy_document_get_selection (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

GFile *
mpy_document_get_file (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), NULL);

  return self->file;
}

gboolean
mpy_document_get_dirty (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);

  return self->dirty;
}

gboolean
mpy_document_get_sample (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);

  return self->sample;
}

gboolean
mpy_document_is_blank (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);

  return self->sample
    || (self->file == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->snapshots)) == 0);
}

char *
mpy_document_dup_title (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), NULL);

  if (self->file != NULL)
    {
      g_autofree char *name = g_file_get_basename (self->file);

      return g_strdup_printf ("%s%s — MpyMemMap", self->dirty ? "• " : "", name);
    }
  if (self->sample)
    return g_strdup (_("Sample Session — MpyMemMap"));
  if (self->dirty)
    return g_strdup ("• MpyMemMap");
  return g_strdup ("MpyMemMap");
}

GPtrArray *
mpy_document_dup_snapshots (MpyDocument *self)
{
  guint n;
  GPtrArray *array;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));
  array = g_ptr_array_new_full (n, (GDestroyNotify) mpy_snapshot_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MpySnapshotItem) item = g_list_model_get_item (G_LIST_MODEL (self->snapshots), i);

      g_ptr_array_add (array, mpy_snapshot_ref (mpy_snapshot_item_get_snapshot (item)));
    }

  return array;
}

const char *
mpy_document_get_journal_path (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), NULL);

  return self->journal_path;
}

/* Loading --------------------------------------------------------------------------------- */

gboolean
mpy_document_load_sample (MpyDocument  *self,
                          GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) sample = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);

  bytes = g_resources_lookup_data ("/com/example/MpyMemMap/sample.mpysession",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &length);
  sample = mpy_session_read_text (data, length, error);
  if (sample == NULL)
    return FALSE;

  replace_all (self, sample);
  _mpy_document_set_file (self, NULL);
  _mpy_document_set_flags (self, FALSE, TRUE);
  _mpy_document_sync_journal (self);

  /* Show the two neighbours that tell a story: the allocations, then what they left. */
  if (sample->len >= 3)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 1, TRUE);
  else if (sample->len > 0)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 0, TRUE);

  return TRUE;
}

void
mpy_document_load (MpyDocument *self,
                   GFile       *file,
                   GPtrArray   *snapshots)
{
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) labelled = NULL;

  g_return_if_fail (MPY_IS_DOCUMENT (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (snapshots != NULL);

  name = g_file_get_basename (file);
  labelled = label_snapshots (snapshots, name);
  replace_all (self, labelled);
  _mpy_document_set_file (self, file);
  _mpy_document_set_flags (self, FALSE, FALSE);
  _mpy_document_sync_journal (self);
  select_added (self, 0, labelled->len);
}

void
mpy_document_restore (MpyDocument      *self,
                      MpyDocumentDraft *draft)
{
  g_return_if_fail (MPY_IS_DOCUMENT (self));
  g_return_if_fail (draft != NULL);

  replace_all (self, draft->snapshots);
  _mpy_document_set_file (self, draft->file);
  _mpy_document_set_flags (self, TRUE, FALSE);
  _mpy_document_sync_journal (self);
  select_added (self, 0, draft->snapshots->len);

  /* On disk here before the draft's own journal goes. */
  mpy_document_flush_journal (self);
  if (draft->lock != NULL)
    mpy_journal_lock_discard (g_steal_pointer (&draft->lock));
}

/* Adding ---------------------------------------------------------------------------------- */

guint
mpy_document_add (MpyDocument *self,
                  GPtrArray   *snapshots,
                  gboolean     select)
{
  g_autoptr(GPtrArray) items = NULL;
  guint position;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), 0);
  g_return_val_if_fail (snapshots != NULL, 0);

  position = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));
  if (snapshots->len == 0)
    return position;

  /* The first snapshot of the user's replaces the untouched sample. */
  if (self->sample)
    {
      clear_undo (self);
      g_list_store_remove_all (self->snapshots);
      position = 0;
    }

  items = new_items (self, snapshots);
  g_list_store_splice (self->snapshots, position, 0, items->pdata, items->len);
  _mpy_document_set_flags (self, TRUE, FALSE);
  _mpy_document_journal_append (self, items);

  if (select)
    select_added (self, position, items->len);

  return position;
}

gboolean
mpy_document_add_text (MpyDocument  *self,
                       const char   *text,
                       GError      **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) labelled = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("There is no text to read. Copy the output of micropython.mem_info(1) first."));
      return FALSE;
    }

  found = mpy_session_read_text (text, -1, error);
  if (found == NULL)
    return FALSE;
  if (found->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("It holds no heap dump."));
      return FALSE;
    }

  self->n_pasted++;
  base = g_strdup_printf (_("Pasted dump %u"), self->n_pasted);
  labelled = label_snapshots (found, base);
  mpy_document_add (self, labelled, TRUE);
  return TRUE;
}

guint
mpy_document_import (MpyDocument *self,
                     GFile       *file,
                     GPtrArray   *snapshots)
{
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) labelled = NULL;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), 0);
  g_return_val_if_fail (G_IS_FILE (file), 0);

  name = g_file_get_basename (file);
  labelled = label_snapshots (snapshots, name);
  return mpy_document_add (self, labelled, TRUE);
}

guint
mpy_document_next_capture_number (MpyDocument *self)
{
  /* The label as the capture code writes it, up to the number (translated). */
  const char *format = _("Capture %u");
  const char *hole = strstr (format, "%u");
  gsize prefix_len = hole ? (gsize) (hole - format) : strlen (format);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));
  guint highest;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), 1);

  highest = self->n_captures;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MpySnapshotItem) item = g_list_model_get_item (G_LIST_MODEL (self->snapshots), i);
      const char *label = mpy_snapshot_get_label (mpy_snapshot_item_get_snapshot (item));
      char *end;
      guint64 number;

      if (label == NULL || strncmp (label, format, prefix_len) != 0
          || !g_ascii_isdigit (label[prefix_len]))
        continue;
      number = g_ascii_strtoull (label + prefix_len, &end, 10);
      if (number < G_MAXUINT)
        highest = MAX (highest, (guint) number);
    }

  self->n_captures = highest + 1;
  return self->n_captures;
}

/* Delete and undo ------------------------------------------------------------------------- */

gboolean
mpy_document_delete_selected (MpyDocument *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  UndoStep *step;
  guint n, remaining;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  n = (guint) gtk_bitset_get_size (selected);
  if (n == 0)
    return FALSE;

  step = g_new0 (UndoStep, 1);
  step->kind = UNDO_DELETE;
  step->items = g_ptr_array_new_with_free_func (g_object_unref);
  step->positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  for (guint i = 0; i < n; i++)
    {
      guint position = gtk_bitset_get_nth (selected, i);

      g_array_append_val (step->positions, position);
      g_ptr_array_add (step->items, g_list_model_get_item (G_LIST_MODEL (self->snapshots), position));
    }
  if (n == 1)
    /* Translators: in the undo banner after a delete */
    step->text = g_strdup_printf (_("“%s” deleted"),
                                  mpy_snapshot_item_get_label (g_ptr_array_index (step->items, 0)));
  else
    step->text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u snapshot deleted", "%u snapshots deleted", n), n);

  /* From the end, so the positions of the rest stay valid. */
  for (guint i = n; i > 0; i--)
    g_list_store_remove (self->snapshots, g_array_index (step->positions, guint, i - 1));

  /* The one that took the first's place is selected, so Delete can go on. */
  remaining = g_list_model_get_n_items (G_LIST_MODEL (self->snapshots));
  if (remaining > 0)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection),
                                     MIN (g_array_index (step->positions, guint, 0), remaining - 1),
                                     TRUE);

  push_undo (self, step);
  changed (self);
  return TRUE;
}

gboolean
mpy_document_undo (MpyDocument *self)
{
  UndoStep *step;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);

  step = g_queue_pop_head (&self->undo);
  if (step == NULL)
    return FALSE;

  self->undoing = TRUE;
  if (step->kind == UNDO_DELETE)
    {
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      /* Ascending, so each goes back where it was among the ones before it. */
      for (guint i = 0; i < step->items->len; i++)
        {
          guint position = g_array_index (step->positions, guint, i);

          position = MIN (position, g_list_model_get_n_items (G_LIST_MODEL (self->snapshots)));
          g_list_store_insert (self->snapshots, position, g_ptr_array_index (step->items, i));
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, FALSE);
        }
    }
  else
    mpy_snapshot_item_set_snapshot (step->item, step->before);
  self->undoing = FALSE;

  undo_step_free (step);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_TEXT]);
  changed (self);
  return TRUE;
}

gboolean
mpy_document_get_can_undo (MpyDocument *self)
{
  g_return_val_if_fail (MPY_IS_DOCUMENT (self), FALSE);

  return !g_queue_is_empty (&self->undo);
}

const char *
mpy_document_get_undo_text (MpyDocument *self)
{
  UndoStep *step;

  g_return_val_if_fail (MPY_IS_DOCUMENT (self), NULL);

  step = g_queue_peek_head (&self->undo);
  return step ? step->text : NULL;
}

