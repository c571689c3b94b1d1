/* mpy-file-loader.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * MpyFileReader:
 *
 * A file read piece by piece with the checks of mpy_file_load_contents(): a regular file of
 * at most the size given (a FIFO, a socket or a device is refused without blocking), a gzip
 * file (by its magic bytes) unpacked through GIO's zlib converter and refused when it unpacks
 * to more than that size.
 */
typedef struct _MpyFileReader MpyFileReader;

MpyFileReader *mpy_file_reader_open         (const char     *path,
                                             gsize           max_size,
                                             gboolean        allow_truncated_gzip,
                                             GError        **error);
gssize         mpy_file_reader_read         (MpyFileReader  *self,
                                             char           *buffer,
                                             gsize           size,
                                             GCancellable   *cancellable,
                                             GError        **error);
gboolean       mpy_file_reader_is_gzip      (MpyFileReader  *self);
const char    *mpy_file_reader_get_display_name (MpyFileReader *self);
/* The file's size on disk and how much of it has been read (compressed bytes for gzip), for
 * progress. */
guint64        mpy_file_reader_get_size     (MpyFileReader  *self);
guint64        mpy_file_reader_get_position (MpyFileReader  *self);
/* A gzip file cut off before its end (with allow_truncated_gzip): the warning, once read. */
GError        *mpy_file_reader_take_warning (MpyFileReader  *self);
void           mpy_file_reader_free         (MpyFileReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpyFileReader, mpy_file_reader_free)

/* The size of the pieces files are read in (1 MiB); tests set a small one to put piece
 * boundaries everywhere. 0 restores the default. */
void           mpy_file_set_piece_size      (gsize           size);
gsize          mpy_file_get_piece_size      (void);

gboolean mpy_file_load_contents (const char    *path,
                                 gsize          max_size,
                                 GCancellable  *cancellable,
                                 char         **contents,
                                 gsize         *length,
                                 GError       **error);

gboolean mpy_file_load_contents_full (const char    *path,
                                      gsize          max_size,
                                      GCancellable  *cancellable,
                                      char         **contents,
                                      gsize         *length,
                                      GError       **warning,
                                      GError       **error);

G_END_DECLS
