/* mpy-file-loader.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one way core reads a file: session files, the autosave journal and dump files all come
 * through here, so every one of them gets the same checks before a byte is read. */

#include "mpy-file-loader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#define CHUNK_SIZE (1024 * 1024)

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *format,
                 const char  *display)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), format, display,
               g_strerror (saved_errno));
}

static void
set_too_large_error (GError     **error,
                     const char  *display,
                     gsize        max_size)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
               _("“%s” is larger than %u MiB, the most MpyMemMap opens; cut the part you "
                 "need out of it"),
               display, (guint) (max_size >> 20));
}

/* A gzip stream (RFC 1952) starts with these two bytes, whatever the file is called. */
static gboolean
is_gzip (const char *data,
         gsize       n)
{
  return n >= 2 && (guchar) data[0] == 0x1f && (guchar) data[1] == 0x8b;
}

/* Decompresses @data through GIO's zlib converter, refusing more than @max_size bytes of
 * output (a gzip bomb). A stream cut off before its end gives what was decompressed before
 * the cut and @warning, or an error when @warning is %NULL. */
static gboolean
gunzip (const char   *display,
        const char   *data,
        gsize         n,
        gsize         max_size,
        GCancellable *cancellable,
        char        **contents,
        gsize        *length,
        GError      **warning,
        GError      **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_data (data, n, NULL);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (decompressor));
  g_autoptr(GError) local_error = NULL;
  g_autofree char *out = NULL;
  gsize capacity = MIN (MAX (n * 4, (gsize) 4096), max_size + 1);
  gsize done = 0;

  out = g_malloc (capacity + 1);
  for (;;)
    {
      gssize r;

      if (done == capacity)
        {
          if (capacity > max_size)
            break;
          capacity = MIN (capacity * 2, max_size + 1);
          out = g_realloc (out, capacity + 1);
        }
      r = g_input_stream_read (in, out + done, MIN (capacity - done, CHUNK_SIZE), cancellable,
                               &local_error);
      if (r < 0)
        break;
      if (r == 0)
        break;
      done += r;
    }

  if (done > max_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("“%s” unpacks to more than %u MiB, the most MpyMemMap opens; it is not "
                     "opened"), display, (guint) (max_size >> 20));
      return FALSE;
    }
  if (local_error != NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (warning == NULL || done == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is a damaged or truncated gzip file: %s"), display,
                       local_error->message);
          return FALSE;
        }
      g_autofree char *size = g_format_size_full (done, G_FORMAT_SIZE_LONG_FORMAT);

      g_set_error (warning, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   _("“%s” is a truncated gzip file: only its first %s could be unpacked"),
                   display, size);
    }

  out[done] = '\0';
  *contents = g_steal_pointer (&out);
  *length = done;
  return TRUE;
}

/**
 * mpy_file_load_contents:
 * @path: a file name
 * @max_size: the largest file accepted, in bytes
 * @cancellable: (nullable): a #GCancellable, checked between chunks
 * @contents: (out): the bytes read, NUL-terminated (the NUL not counted)
 * @length: (out): the number of bytes read
 * @error: return location for a #GError (%G_IO_ERROR)
 *
 * Reads a whole regular file of at most @max_size bytes. The file is opened with
 * `O_NONBLOCK` and its type and size are checked with fstat() before anything is read, so
 * a FIFO, a socket or a device never blocks (%G_IO_ERROR_NOT_REGULAR_FILE), a folder is
 * %G_IO_ERROR_IS_DIRECTORY and a huge file is refused without reading it
 * (%G_IO_ERROR_MESSAGE_TOO_LARGE). Messages name the file.
 *
 * Returns: %TRUE on success
 */
gboolean
mpy_file_load_contents (const char    *path,
                        gsize          max_size,
                        GCancellable  *cancellable,
                        char         **contents,
                        gsize         *length,
                        GError       **error)
{
  return mpy_file_load_contents_full (path, max_size, cancellable, contents, length, NULL, error);
}

/**
 * mpy_file_load_contents_full:
 * @path: a file name
 * @max_size: the largest file accepted, in bytes, and the most a gzip file may unpack to
 * @cancellable: (nullable): a #GCancellable, checked between chunks
 * @contents: (out): the bytes read, NUL-terminated (the NUL not counted)
 * @length: (out): the number of bytes read
 * @warning: (optional): return location for a truncated gzip file's warning
 * @error: return location for a #GError (%G_IO_ERROR)
 *
 * As mpy_file_load_contents(). A gzip file (`.mpysession.gz`, or any file that starts with
 * the gzip magic bytes) is unpacked through GIO's zlib converter; more than @max_size bytes
 * unpacked is refused (%G_IO_ERROR_MESSAGE_TOO_LARGE). A gzip file cut off before its end
 * gives what was unpacked before the cut and @warning; without @warning it is an error
 * (%G_IO_ERROR_INVALID_DATA), as is a damaged one.
 *
 * Returns: %TRUE on success
 */
gboolean
mpy_file_load_contents_full (const char    *path,
                             gsize          max_size,
                             GCancellable  *cancellable,
                             char         **contents,
                             gsize         *length,
                             GError       **warning,
                             GError       **error)
{
  g_autofree char *display = NULL;
  g_autofree char *data = NULL;
  GStatBuf st;
  gsize capacity, n = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL && length != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  display = g_filename_display_name (path);
  /* O_NONBLOCK: open() of a FIFO without a writer would wait for one forever. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not open “%s”: %s"), display);
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      set_errno_error (error, errno, _("Could not read “%s”: %s"), display);
      close (fd);
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("“%s” is a folder, not a file"), display);
      close (fd);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("“%s” is not a regular file (a pipe, a socket or a device); save what it "
                     "delivers to a file and open that"), display);
      close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > max_size)
    {
      set_too_large_error (error, display, max_size);
      close (fd);
      return FALSE;
    }

  /* Up to one byte past the limit, in case the file grew since fstat() (or, like files in
   * /proc, says 0). */
  capacity = MAX ((gsize) st.st_size, 4096);
  capacity = MIN (capacity, max_size + 1);
  data = g_malloc (capacity + 1);
  for (;;)
    {
      gssize r;

      if (n == capacity)
        {
          if (capacity > max_size)
            break;
          capacity = MIN (capacity * 2, max_size + 1);
          data = g_realloc (data, capacity + 1);
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return FALSE;
        }
      r = read (fd, data + n, MIN (capacity - n, CHUNK_SIZE));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          set_errno_error (error, errno, _("Could not read “%s”: %s"), display);
          close (fd);
          return FALSE;
        }
      if (r == 0)
        break;
      n += r;
    }
  close (fd);

  if (n > max_size)
    {
      set_too_large_error (error, display, max_size);
      return FALSE;
    }

  if (is_gzip (data, n))
    return gunzip (display, data, n, max_size, cancellable, contents, length, warning, error);

  data[n] = '\0';
  *contents = g_steal_pointer (&data);
  *length = n;
  return TRUE;
}
