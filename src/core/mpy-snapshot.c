/* mpy-snapshot.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-snapshot-private.h"

#include <string.h>

const char mpy_kinds[MPY_N_KINDS] = {
  '.', '=', 'h', 'T', 'L', 'D', 'S', 'A', 'F', 'B', 'M', 'm',
};

static const char *kind_names[MPY_N_KINDS] = {
  "free", "tail", "head", "tuple", "list", "dict", "str", "array",
  "float", "bytecode", "module", "marked",
};

#define K(c, v) [(guchar) (c)] = (v)
const guint8 _mpy_kind_from_char[256] = {
  K ('.', '.'), K ('=', '='), K ('t', '='), K ('h', 'h'), K ('Q', 'h'), K ('q', 'h'),
  K ('T', 'T'), K ('L', 'L'), K ('D', 'D'), K ('S', 'S'), K ('A', 'A'), K ('F', 'F'),
  K ('B', 'B'), K ('M', 'M'), K ('m', 'm'),
};

const guint8 _mpy_kind_class[256] = {
  K ('.', MPY_KIND_CLASS_FREE), K ('=', MPY_KIND_CLASS_TAIL),
  K ('h', MPY_KIND_CLASS_HEAD), K ('T', MPY_KIND_CLASS_HEAD), K ('L', MPY_KIND_CLASS_HEAD),
  K ('D', MPY_KIND_CLASS_HEAD), K ('S', MPY_KIND_CLASS_HEAD), K ('A', MPY_KIND_CLASS_HEAD),
  K ('F', MPY_KIND_CLASS_HEAD), K ('B', MPY_KIND_CLASS_HEAD), K ('M', MPY_KIND_CLASS_HEAD),
  K ('m', MPY_KIND_CLASS_HEAD),
};
#undef K

/* A piece of metadata as it was read (@raw, kept for saving, so that a session file round
 * trips byte for byte) and, only when @raw is not UTF-8, the text shown for it, with each
 * invalid byte replaced by U+FFFD (NULL when @raw is valid UTF-8). */
typedef struct {
  char *raw;
  char *text;
} MetaString;

struct _MpySnapshot
{
  MpySnapshotData  *data;
  GDateTime        *time;
  MetaString        label;
  MetaString        port;
  MetaString        banner;
  MpySnapshotFlags  flags;
  GDateTime        *board_time;
  MetaString        console;
  /* micropython.qstr_info() and stack_use() captured with the dump (capture --qstr) */
  gboolean          have_qstr;
  gboolean          have_stack_use;
  guint64           qstr_count;
  guint64           qstr_bytes;
  guint64           stack_use;
};

static void
meta_string_set (MetaString *m,
                 const char *raw)
{
  m->raw = g_strdup (raw);
  m->text = raw != NULL && !g_utf8_validate (raw, -1, NULL) ? g_utf8_make_valid (raw, -1) : NULL;
}

static void
meta_string_copy (MetaString       *m,
                  const MetaString *from)
{
  m->raw = g_strdup (from->raw);
  m->text = g_strdup (from->text);
}

static void
meta_string_clear (MetaString *m)
{
  g_clear_pointer (&m->raw, g_free);
  g_clear_pointer (&m->text, g_free);
}

static inline const char *
meta_string_get (const MetaString *m)
{
  return m->text != NULL ? m->text : m->raw;
}

/* The metadata that describes the dump as printed rather than its capture. */
static void
copy_dump_metadata (MpySnapshot       *copy,
                    const MpySnapshot *from)
{
  copy->board_time = from->board_time ? g_date_time_ref (from->board_time) : NULL;
  meta_string_copy (&copy->console, &from->console);
  copy->have_qstr = from->have_qstr;
  copy->have_stack_use = from->have_stack_use;
  copy->qstr_count = from->qstr_count;
  copy->qstr_bytes = from->qstr_bytes;
  copy->stack_use = from->stack_use;
}

/**
 * mpy_kind_get_index:
 * @kind: a kind character
 *
 * Returns: the index of @kind in mpy_kinds, or -1 when @kind is not a kind.
 */
int
mpy_kind_get_index (char kind)
{
  for (int i = 0; i < MPY_N_KINDS; i++)
    if (mpy_kinds[i] == kind)
      return i;
  return -1;
}

/**
 * mpy_kind_get_name:
 * @kind: a kind character
 *
 * Returns: the kind's name ("free", "tail", "head", "tuple", …), or %NULL if @kind is not a kind.
 */
const char *
mpy_kind_get_name (char kind)
{
  int i = mpy_kind_get_index (kind);

  return i < 0 ? NULL : kind_names[i];
}

/**
 * mpy_kind_is_head:
 * @kind: a kind character
 *
 * Returns: %TRUE for the head kinds: h T L D S A F B M m.
 */
gboolean
mpy_kind_is_head (char kind)
{
  return (_mpy_kind_class[(guchar) kind] & MPY_KIND_CLASS_HEAD) != 0;
}

static void
snapshot_data_clear (MpySnapshotData *data)
{
  g_clear_pointer (&data->areas, g_free);
  g_clear_pointer (&data->kinds, _mpy_blob_unref);
  g_clear_pointer (&data->raw, _mpy_blob_unref);
  g_clear_pointer (&data->pinned_kinds, g_bytes_unref);
  g_clear_pointer (&data->pinned_raw, g_bytes_unref);
  g_clear_pointer (&data->damage_reason, g_free);
  g_clear_pointer (&data->missing, g_free);
}

MpySnapshotData *
_mpy_snapshot_data_new (void)
{
  return g_atomic_rc_box_new0 (MpySnapshotData);
}

void
_mpy_snapshot_data_unref (MpySnapshotData *data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) snapshot_data_clear);
}

static void
snapshot_clear (MpySnapshot *self)
{
  g_clear_pointer (&self->data, _mpy_snapshot_data_unref);
  g_clear_pointer (&self->time, g_date_time_unref);
  meta_string_clear (&self->label);
  meta_string_clear (&self->port);
  meta_string_clear (&self->banner);
  g_clear_pointer (&self->board_time, g_date_time_unref);
  meta_string_clear (&self->console);
}

MpySnapshot *
_mpy_snapshot_new_take (MpySnapshotData *data)
{
  MpySnapshot *self = g_atomic_rc_box_new0 (MpySnapshot);

  if (data->kinds == NULL)
    data->kinds = _mpy_blob_new_whole (g_bytes_new (NULL, 0));
  if (data->raw == NULL)
    data->raw = _mpy_blob_new_whole (g_bytes_new_take (g_malloc0 (1), 0));
  self->data = data;
  return self;
}

const MpySnapshotData *
_mpy_snapshot_get_data (MpySnapshot *self)
{
  return self->data;
}

/* @blob (transfer full) as the next link after @previous, in place of *@slot. */
static void
share_blob (MpyBlob     **slot,
            MpyBlob      *previous,
            MpyBlobKind   kind)
{
  MpyBlobChain chain = { 0 };
  MpyBlob *blob;

  if (*slot == previous || _mpy_blob_get_length (*slot) == 0 || _mpy_blob_get_length (previous) == 0)
    return;
  chain.last = _mpy_blob_ref (previous);
  chain.content = _mpy_blob_ref_bytes (previous);
  blob = _mpy_blob_chain_append (&chain, _mpy_blob_ref_bytes (*slot), kind);
  _mpy_blob_chain_clear (&chain);
  _mpy_blob_unref (*slot);
  *slot = blob;
}

void
_mpy_snapshot_share_storage (MpySnapshot *self,
                             MpySnapshot *previous)
{
  MpySnapshotData *data = self->data;
  const MpySnapshotData *prev = previous->data;

  if (data == prev)
    return;
  /* A pinned map or text was handed out for the snapshot's life: it stays as it is. */
  if (g_atomic_pointer_get (&data->pinned_kinds) != NULL || g_atomic_pointer_get (&data->pinned_raw) != NULL)
    return;
  share_blob (&data->kinds, prev->kinds, MPY_BLOB_BLOCKS);
  share_blob (&data->raw, prev->raw, MPY_BLOB_TEXT);
}

/* The bytes of @blob for a transfer-none getter: a whole blob's own, else materialised once
 * and kept in *@slot for the snapshot's life. */
static const guint8 *
pin_blob (MpyBlob  *blob,
          GBytes  **slot)
{
  const guint8 *whole = _mpy_blob_peek (blob);
  GBytes *bytes;

  if (whole != NULL || _mpy_blob_get_length (blob) == 0)
    return whole;
  bytes = g_atomic_pointer_get (slot);
  if (bytes == NULL)
    {
      bytes = _mpy_blob_ref_bytes (blob);
      if (!g_atomic_pointer_compare_and_exchange (slot, NULL, bytes))
        {
          g_bytes_unref (bytes);
          bytes = g_atomic_pointer_get (slot);
        }
    }
  return g_bytes_get_data (bytes, NULL);
}

G_DEFINE_BOXED_TYPE (MpySnapshot, mpy_snapshot, mpy_snapshot_ref, mpy_snapshot_unref)

MpySnapshot *
mpy_snapshot_ref (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
mpy_snapshot_unref (MpySnapshot *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) snapshot_clear);
}

/**
 * mpy_snapshot_get_figure:
 * @self: a snapshot
 * @figure: which header figure
 * @value: (out) (optional): the value
 *
 * Returns: %TRUE if the dump printed @figure.
 */
gboolean
mpy_snapshot_get_figure (MpySnapshot *self,
                         MpyFigure    figure,
                         guint64     *value)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (figure < MPY_N_FIGURES, FALSE);

  if ((self->data->figures_set & (1u << figure)) == 0)
    {
      if (value)
        *value = 0;
      return FALSE;
    }
  if (value)
    *value = self->data->figures[figure];
  return TRUE;
}

/**
 * mpy_snapshot_has_map:
 * @self: a snapshot
 *
 * Returns: %FALSE for a figures-only dump (mem_info() without argument).
 */
gboolean
mpy_snapshot_has_map (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->data->has_map;
}

/**
 * mpy_snapshot_get_bytes_per_block:
 * @self: a snapshot
 *
 * Returns: the block size in bytes (16 on 32-bit boards, 32 on 64-bit), 0 without a map.
 */
guint
mpy_snapshot_get_bytes_per_block (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->data->bytes_per_block;
}

guint
mpy_snapshot_get_n_areas (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->data->n_areas;
}

/**
 * mpy_snapshot_get_area:
 * @self: a snapshot
 * @index: an area index, below mpy_snapshot_get_n_areas()
 *
 * Returns: (transfer none): heap area @index (areas are in block order).
 */
const MpyArea *
mpy_snapshot_get_area (MpySnapshot *self,
                       guint        index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->data->n_areas, NULL);

  return &self->data->areas[index];
}

/**
 * mpy_snapshot_get_n_blocks:
 * @self: a snapshot
 *
 * Returns: the number of blocks over all areas.
 */
gsize
mpy_snapshot_get_n_blocks (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return _mpy_blob_get_length (self->data->kinds);
}

/**
 * mpy_snapshot_ref_kinds:
 * @self: a snapshot
 *
 * The map, made from its delta against the dump before when it is stored as one (a long
 * session stores most maps so); the last few made are cached, bounded in bytes. Holding the
 * result keeps the map; dropping it lets the memory go. Thread-safe.
 *
 * Returns: (transfer full): one #MpyKind character per block, areas back to back
 *   (mpy_snapshot_get_n_blocks() bytes).
 */
GBytes *
mpy_snapshot_ref_kinds (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return _mpy_blob_ref_bytes (self->data->kinds);
}

/**
 * mpy_snapshot_get_kinds:
 * @self: a snapshot
 *
 * The map, valid as long as @self. A map stored as a delta is made on the first call and
 * then kept with the snapshot for the rest of its life: for tests and for code that looks at
 * one snapshot. Code that steps through many snapshots uses mpy_snapshot_ref_kinds().
 *
 * Returns: (transfer none) (nullable): one #MpyKind character per block, areas back to
 *   back; %NULL when there is no map.
 */
const guint8 *
mpy_snapshot_get_kinds (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return pin_blob (self->data->kinds, &self->data->pinned_kinds);
}

/* The area holding @block (binary search; areas are in block order). */
static const MpyArea *
find_area (MpySnapshotData *data,
           gsize            block)
{
  guint lo = 0, hi = data->n_areas;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (data->areas[mid].first_block <= block)
        lo = mid;
      else
        hi = mid;
    }
  return data->n_areas > 0 ? &data->areas[lo] : NULL;
}

/**
 * mpy_snapshot_get_block_address:
 * @self: a snapshot
 * @block: a block index over all areas
 *
 * Returns: the address of @block: its area's base + index in the area × bytes per block.
 */
guint64
mpy_snapshot_get_block_address (MpySnapshot *self,
                                gsize        block)
{
  const MpyArea *area;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (block < mpy_snapshot_get_n_blocks (self), 0);

  area = find_area (self->data, block);
  return area->base + (guint64) (block - area->first_block) * self->data->bytes_per_block;
}

/**
 * mpy_snapshot_find_object:
 * @self: a snapshot
 * @kinds: @self's map, from mpy_snapshot_ref_kinds()
 * @block: a block index
 * @start: (out) (optional): the object's first block
 * @n_blocks: (out) (optional): the object's length in blocks
 *
 * Finds the object (a head and the tails after it, or a run of tails with no
 * head before it in its area) that covers @block.
 *
 * Returns: %FALSE when @block is free.
 */
gboolean
mpy_snapshot_find_object (MpySnapshot  *self,
                          const guint8 *kinds,
                          gsize         block,
                          gsize        *start,
                          gsize        *n_blocks)
{
  const MpyArea *area;
  gsize s, e, area_end;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (kinds != NULL, FALSE);
  g_return_val_if_fail (block < mpy_snapshot_get_n_blocks (self), FALSE);

  if (kinds[block] == MPY_KIND_FREE)
    return FALSE;

  area = find_area (self->data, block);
  area_end = area->first_block + area->n_blocks;
  s = block;
  while (kinds[s] == MPY_KIND_TAIL && s > area->first_block
         && kinds[s - 1] != MPY_KIND_FREE)
    s--;
  e = block + 1;
  while (e < area_end && kinds[e] == MPY_KIND_TAIL)
    e++;

  if (start)
    *start = s;
  if (n_blocks)
    *n_blocks = e - s;
  return TRUE;
}

/**
 * mpy_snapshot_get_object:
 * @self: a snapshot
 * @block: a block index
 * @start: (out) (optional): the object's first block
 * @n_blocks: (out) (optional): the object's length in blocks
 *
 * As mpy_snapshot_find_object(), making the map for this one look-up (a loop over many
 * blocks asks for the map once and uses that).
 *
 * Returns: %FALSE when @block is free.
 */
gboolean
mpy_snapshot_get_object (MpySnapshot *self,
                         gsize        block,
                         gsize       *start,
                         gsize       *n_blocks)
{
  g_autoptr(GBytes) kinds = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (block < mpy_snapshot_get_n_blocks (self), FALSE);

  kinds = mpy_snapshot_ref_kinds (self);
  return mpy_snapshot_find_object (self, g_bytes_get_data (kinds, NULL), block, start, n_blocks);
}

/**
 * mpy_snapshot_ref_raw_text:
 * @self: a snapshot
 *
 * The dump's own lines as received, line ends included, made from a delta when stored as
 * one; cached like mpy_snapshot_ref_kinds(). Thread-safe.
 *
 * Returns: (transfer full): mpy_snapshot_get_raw_length() bytes, followed by a NUL (not
 *   counted).
 */
GBytes *
mpy_snapshot_ref_raw_text (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return _mpy_blob_ref_bytes (self->data->raw);
}

/**
 * mpy_snapshot_get_raw_text:
 * @self: a snapshot
 *
 * The raw text, valid as long as @self; kept with the snapshot once made, as
 * mpy_snapshot_get_kinds() keeps the map (for tests and code that looks at one snapshot).
 *
 * Returns: (transfer none): the dump's own lines as received, line ends included (NUL-terminated).
 */
const char *
mpy_snapshot_get_raw_text (MpySnapshot *self)
{
  const guint8 *text;

  g_return_val_if_fail (self != NULL, NULL);

  text = pin_blob (self->data->raw, &self->data->pinned_raw);
  return text != NULL ? (const char *) text : "";
}

gsize
mpy_snapshot_get_raw_length (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return _mpy_blob_get_length (self->data->raw);
}

gboolean
mpy_snapshot_is_damaged (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->data->damage_reason != NULL;
}

/**
 * mpy_snapshot_get_missing_ranges:
 * @self: a snapshot
 * @n_ranges: (out): return location for the number of ranges
 *
 * The blocks whose lines were lost in transfer (found from the printed
 * offsets). They are in the map as free blocks so that later blocks keep their
 * addresses; a snapshot with missing ranges is always damaged.
 *
 * Returns: (array length=n_ranges) (nullable): the ranges in block order, or %NULL.
 */
const MpyBlockRange *
mpy_snapshot_get_missing_ranges (MpySnapshot *self,
                                 guint       *n_ranges)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_ranges != NULL, NULL);

  *n_ranges = self->data->n_missing;
  return self->data->missing;
}

/**
 * mpy_snapshot_get_damage_reason:
 * @self: a snapshot
 *
 * Returns: (nullable): what in the dump disagrees or was lost, or %NULL when it is consistent.
 */
const char *
mpy_snapshot_get_damage_reason (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data->damage_reason;
}

GDateTime *
mpy_snapshot_get_time (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->time;
}

const char *
mpy_snapshot_get_label (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return meta_string_get (&self->label);
}

const char *
mpy_snapshot_get_port (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return meta_string_get (&self->port);
}

const char *
mpy_snapshot_get_banner (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return meta_string_get (&self->banner);
}

MpySnapshotFlags
mpy_snapshot_get_flags (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->flags;
}

/**
 * mpy_snapshot_with_metadata:
 * @self: a snapshot
 * @time: (nullable): capture time
 * @label: (nullable): user label
 * @port: (nullable): port the dump came from
 * @banner: (nullable): firmware banner
 * @flags: capture flags
 *
 * Returns: (transfer full): a new snapshot sharing the map and raw text of @self.
 */
MpySnapshot *
mpy_snapshot_with_metadata (MpySnapshot      *self,
                            GDateTime        *time,
                            const char       *label,
                            const char       *port,
                            const char       *banner,
                            MpySnapshotFlags  flags)
{
  MpySnapshot *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_atomic_rc_box_new0 (MpySnapshot);
  copy->data = g_atomic_rc_box_acquire (self->data);
  copy->time = time ? g_date_time_ref (time) : NULL;
  meta_string_set (&copy->label, label);
  meta_string_set (&copy->port, port);
  meta_string_set (&copy->banner, banner);
  copy->flags = flags;
  copy_dump_metadata (copy, self);
  return copy;
}

/**
 * mpy_snapshot_with_label:
 * @self: a snapshot
 * @label: (nullable): the new label
 *
 * Returns: (transfer full): a copy of @self with another label, sharing the map.
 */
MpySnapshot *
mpy_snapshot_with_label (MpySnapshot *self,
                         const char  *label)
{
  MpySnapshot *copy;

  g_return_val_if_fail (self != NULL, NULL);

  /* The port and banner keep their bytes as read. */
  copy = g_atomic_rc_box_new0 (MpySnapshot);
  copy->data = g_atomic_rc_box_acquire (self->data);
  copy->time = self->time ? g_date_time_ref (self->time) : NULL;
  meta_string_set (&copy->label, label);
  meta_string_copy (&copy->port, &self->port);
  meta_string_copy (&copy->banner, &self->banner);
  copy->flags = self->flags;
  copy_dump_metadata (copy, self);
  return copy;
}

/* A copy of @self sharing its map, with every piece of metadata the same. */
static MpySnapshot *
snapshot_copy (MpySnapshot *self)
{
  MpySnapshot *copy = g_atomic_rc_box_new0 (MpySnapshot);

  copy->data = g_atomic_rc_box_acquire (self->data);
  copy->time = self->time ? g_date_time_ref (self->time) : NULL;
  meta_string_copy (&copy->label, &self->label);
  meta_string_copy (&copy->port, &self->port);
  meta_string_copy (&copy->banner, &self->banner);
  copy->flags = self->flags;
  copy_dump_metadata (copy, self);
  return copy;
}

/**
 * mpy_snapshot_with_board_time:
 * @self: a snapshot
 * @board_time: (nullable): the board's clock when it printed the dump
 *
 * Returns: (transfer full): a copy of @self with another board time, sharing the map.
 */
MpySnapshot *
mpy_snapshot_with_board_time (MpySnapshot *self,
                              GDateTime   *board_time)
{
  MpySnapshot *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = snapshot_copy (self);
  g_clear_pointer (&copy->board_time, g_date_time_unref);
  copy->board_time = board_time ? g_date_time_ref (board_time) : NULL;
  return copy;
}

/**
 * mpy_snapshot_with_console:
 * @self: a snapshot
 * @console: (nullable): what the program printed before the dump; "" counts as nothing
 *
 * Returns: (transfer full): a copy of @self with another console context, sharing the map.
 */
MpySnapshot *
mpy_snapshot_with_console (MpySnapshot *self,
                           const char  *console)
{
  MpySnapshot *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = snapshot_copy (self);
  meta_string_clear (&copy->console);
  meta_string_set (&copy->console, console != NULL && *console != '\0' ? console : NULL);
  return copy;
}

/**
 * mpy_snapshot_with_qstr_info:
 * @self: a snapshot
 * @have_qstr: whether @qstr_count and @qstr_bytes are known
 * @qstr_count: n_qstr of micropython.qstr_info(): the interned strings made at run time
 * @qstr_bytes: their n_str_data_bytes
 * @have_stack_use: whether @stack_use is known
 * @stack_use: micropython.stack_use(), bytes
 *
 * Returns: (transfer full): a copy of @self with those figures, sharing the map.
 */
MpySnapshot *
mpy_snapshot_with_qstr_info (MpySnapshot *self,
                             gboolean     have_qstr,
                             guint64      qstr_count,
                             guint64      qstr_bytes,
                             gboolean     have_stack_use,
                             guint64      stack_use)
{
  MpySnapshot *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = snapshot_copy (self);
  copy->have_qstr = have_qstr;
  copy->qstr_count = have_qstr ? qstr_count : 0;
  copy->qstr_bytes = have_qstr ? qstr_bytes : 0;
  copy->have_stack_use = have_stack_use;
  copy->stack_use = have_stack_use ? stack_use : 0;
  return copy;
}

/**
 * mpy_snapshot_get_qstr_info:
 * @self: a snapshot
 * @qstr_count: (out) (optional): the number of interned strings
 * @qstr_bytes: (out) (optional): their bytes
 *
 * Returns: %FALSE when micropython.qstr_info() was not captured with the dump.
 */
gboolean
mpy_snapshot_get_qstr_info (MpySnapshot *self,
                            guint64     *qstr_count,
                            guint64     *qstr_bytes)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (qstr_count != NULL)
    *qstr_count = self->qstr_count;
  if (qstr_bytes != NULL)
    *qstr_bytes = self->qstr_bytes;
  return self->have_qstr;
}

/**
 * mpy_snapshot_get_stack_use:
 * @self: a snapshot
 * @stack_use: (out) (optional): micropython.stack_use(), bytes
 *
 * Returns: %FALSE when it was not captured (or the firmware has no stack_use()).
 */
gboolean
mpy_snapshot_get_stack_use (MpySnapshot *self,
                            guint64     *stack_use)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (stack_use != NULL)
    *stack_use = self->stack_use;
  return self->have_stack_use;
}

/**
 * mpy_snapshot_get_board_time:
 * @self: a snapshot
 *
 * Returns: (transfer none) (nullable): the board's own time of the dump, or %NULL.
 */
GDateTime *
mpy_snapshot_get_board_time (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->board_time;
}

/**
 * mpy_snapshot_get_console:
 * @self: a snapshot
 *
 * Returns: (transfer none) (nullable): the console context, or %NULL.
 */
const char *
mpy_snapshot_get_console (MpySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return meta_string_get (&self->console);
}

/* The metadata exactly as read (not necessarily UTF-8), for writing session files. */
const char *
_mpy_snapshot_get_raw_label (MpySnapshot *self)
{
  return self->label.raw;
}

const char *
_mpy_snapshot_get_raw_port (MpySnapshot *self)
{
  return self->port.raw;
}

const char *
_mpy_snapshot_get_raw_banner (MpySnapshot *self)
{
  return self->banner.raw;
}

const char *
_mpy_snapshot_get_raw_console (MpySnapshot *self)
{
  return self->console.raw;
}
