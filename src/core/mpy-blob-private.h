/* mpy-blob-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a snapshot stores its map and its raw text. Consecutive dumps of a long session share
 * most of both, so a blob is either whole or a delta against the blob of the dump before it
 * (a chain, with a whole blob every so often so that a chain stays cheap to replay). Its
 * bytes are made on demand, exactly, and kept in a small cache shared by all threads. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MpyBlob MpyBlob;

/* How a delta is worked out: text compares line by line (a line inserted or dropped shifts
 * the rest), a block map compares in place (same length, or the blob is stored whole). */
typedef enum {
  MPY_BLOB_TEXT,
  MPY_BLOB_BLOCKS,
} MpyBlobKind;

/* Takes @content; when @content is text, its buffer must have a NUL after its end (as
 * g_bytes_new_take (buf, len) of a buffer of len + 1 bytes). */
MpyBlob *_mpy_blob_new_whole (GBytes  *content);
MpyBlob *_mpy_blob_ref       (MpyBlob *blob);
void     _mpy_blob_unref     (MpyBlob *blob);
gsize    _mpy_blob_get_length (MpyBlob *blob);
gboolean _mpy_blob_is_whole  (MpyBlob *blob);
/* The bytes of @blob, materialised if it is a delta (a NUL follows them; not counted).
 * Thread-safe; the last few materialised blobs are cached (bounded in bytes). */
GBytes  *_mpy_blob_ref_bytes (MpyBlob *blob);
/* The bytes of a whole blob without a reference (they live as long as @blob), else NULL. */
const guint8 *_mpy_blob_peek (MpyBlob *blob);

/* The end of a chain being written: its last blob and that blob's bytes. */
typedef struct {
  MpyBlob *last;
  GBytes  *content;
} MpyBlobChain;

/* Appends @content (transfer full) to @chain and returns its blob (transfer full): @chain's
 * last blob itself when @content is the same byte for byte, a delta against it when that
 * is small and the chain not too long to replay, else a whole blob. */
MpyBlob *_mpy_blob_chain_append (MpyBlobChain *chain,
                                 GBytes       *content,
                                 MpyBlobKind   kind);
void     _mpy_blob_chain_clear  (MpyBlobChain *chain);

/* For tests and benchmarks: the materialised blobs cached now and their bytes, the bound;
 * and how many bytes a blob holds itself (its delta, or its whole content). */
void     _mpy_blob_cache_get_usage (guint *n_entries,
                                    gsize *n_bytes,
                                    gsize *max_bytes);
gsize    _mpy_blob_get_stored_size (MpyBlob *blob);
guint    _mpy_blob_get_depth       (MpyBlob *blob);

G_END_DECLS
