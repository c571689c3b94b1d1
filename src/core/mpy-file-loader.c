/* mpy-file-loader.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one way core reads a file: session files, the autosave journal and dump files all come
 * through here, so every one of them gets the same checks before a byte is read. Files are
 * read in pieces (MpyFileReader), so that a reader that hands out what each piece completes
 * never holds the whole file. */

#include "mpy-file-loader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#define DEFAULT_PIECE_SIZE (1024 * 1024)

static gsize piece_size = DEFAULT_PIECE_SIZE;

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


void
mpy_file_set_piece_size (gsize size)
{
  piece_size = size > 0 ? size : DEFAULT_PIECE_SIZE;
}

gsize
mpy_file_get_piece_size (void)
{
  return piece_size;
}

struct _MpyFileReader
{
  char *display;
  int fd;
  gsize max_size;
  guint64 size;              /* on disk, by fstat() */
  guint64 done;              /* bytes handed out (unpacked for gzip) */
  gboolean allow_truncated;
  gboolean at_end;
  GError *warning;
  /* A gzip file: GIO's zlib converter, driven here rather than through a
   * GConverterInputStream, which stops at the end of the first member: a file that records
   * were appended to holds one member per append (RFC 1952 §2.2), read as one text. */
  GConverter *gunzip;
  guchar *in;                /* compressed bytes read, in[in_pos..in_len) not yet unpacked */
  gsize in_pos, in_len;
  gboolean in_eof;
  gboolean member_done;
};

#define GZIP_INPUT_SIZE (64 * 1024)

/* A gzip stream (RFC 1952) starts with these two bytes, whatever the file is called. */
static gboolean
is_gzip (const guchar *data,
         gsize         n)
{
  return n >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

/**
 * mpy_file_reader_open:
 * @path: a file name
 * @max_size: the largest file accepted, in bytes, and the most a gzip file may unpack to
 * @allow_truncated_gzip: whether a gzip file cut off before its end ends the contents with a
 *   warning (mpy_file_reader_take_warning()) rather than an error
 * @error: return location for a #GError (%G_IO_ERROR)
 *
 * Opens a regular file of at most @max_size bytes for mpy_file_reader_read(). The file is
 * opened with `O_NONBLOCK` and its type and size are checked with fstat() before anything is
 * read, so a FIFO, a socket or a device never blocks (%G_IO_ERROR_NOT_REGULAR_FILE), a folder
 * is %G_IO_ERROR_IS_DIRECTORY and a huge file is refused without reading it
 * (%G_IO_ERROR_MESSAGE_TOO_LARGE). Messages name the file.
 *
 * Returns: (transfer full): the reader, or %NULL with @error
 */
MpyFileReader *
mpy_file_reader_open (const char  *path,
                      gsize        max_size,
                      gboolean     allow_truncated_gzip,
                      GError     **error)
{
  g_autofree char *display = NULL;
  MpyFileReader *self;
  GStatBuf st;
  guchar magic[2];
  gssize n;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);
  /* O_NONBLOCK: open() of a FIFO without a writer would wait for one forever. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not open “%s”: %s"), display);
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      set_errno_error (error, errno, _("Could not read “%s”: %s"), display);
      close (fd);
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("“%s” is a folder, not a file"), display);
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("“%s” is not a regular file (a pipe, a socket or a device); save what it "
                     "delivers to a file and open that"), display);
      close (fd);
      return NULL;
    }
  if ((guint64) st.st_size > max_size)
    {
      set_too_large_error (error, display, max_size);
      close (fd);
      return NULL;
    }

  self = g_new0 (MpyFileReader, 1);
  self->display = g_steal_pointer (&display);
  self->fd = fd;
  self->max_size = max_size;
  self->size = st.st_size;
  self->allow_truncated = allow_truncated_gzip;

  do
    n = pread (fd, magic, sizeof magic, 0);
  while (n < 0 && errno == EINTR);
  if (n > 0 && is_gzip (magic, n))
    {
      self->gunzip = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
      self->in = g_malloc (GZIP_INPUT_SIZE);
    }
  return self;
}

static gssize
read_plain (MpyFileReader  *self,
            char           *buffer,
            gsize           size,
            GError        **error)
{
  for (;;)
    {
      /* One byte past the limit is asked for, in case the file grew since fstat() (or, like
       * files in /proc, says 0). */
      gssize r = read (self->fd, buffer, MIN (size, self->max_size + 1 - self->done));

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        set_errno_error (error, errno, _("Could not read “%s”: %s"), self->display);
      else if (self->done + r > self->max_size)
        {
          set_too_large_error (error, self->display, self->max_size);
          return -1;
        }
      return r;
    }
}

/* More compressed bytes after in[in_pos..in_len), which are moved to the front. */
static gboolean
fill_input (MpyFileReader  *self,
            GError        **error)
{
  gssize r;

  memmove (self->in, self->in + self->in_pos, self->in_len - self->in_pos);
  self->in_len -= self->in_pos;
  self->in_pos = 0;
  if (self->in_len == GZIP_INPUT_SIZE)
    return TRUE;
  do
    r = read (self->fd, self->in + self->in_len, GZIP_INPUT_SIZE - self->in_len);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    {
      set_errno_error (error, errno, _("Could not read “%s”: %s"), self->display);
      return FALSE;
    }
  if (r == 0)
    self->in_eof = TRUE;
  self->in_len += r;
  return TRUE;
}

static gssize
gzip_failed (MpyFileReader  *self,
             GError         *cause,
             GError        **error)
{
  if (!self->allow_truncated || self->done == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is a damaged or truncated gzip file: %s"), self->display,
                   cause->message);
      g_error_free (cause);
      return -1;
    }
  {
    g_autofree char *unpacked = g_format_size_full (self->done, G_FORMAT_SIZE_LONG_FORMAT);

    g_set_error (&self->warning, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                 _("“%s” is a truncated gzip file: only its first %s could be unpacked"),
                 self->display, unpacked);
  }
  g_error_free (cause);
  return 0;
}

static gssize
read_gzip (MpyFileReader  *self,
           char           *buffer,
           gsize           size,
           GCancellable   *cancellable,
           GError        **error)
{
  size = MIN (size, self->max_size + 1 - self->done);
  for (;;)
    {
      GError *local_error = NULL;
      GConverterResult res;
      gsize bytes_read = 0, bytes_written = 0;

      if (self->in_pos == self->in_len && !self->in_eof && !fill_input (self, error))
        return -1;
      if (self->member_done)
        {
          /* Another member follows, or the end (bytes that are not one are ignored, as
           * readers of one member do). */
          if (self->in_len - self->in_pos < 2 && !self->in_eof && !fill_input (self, error))
            return -1;
          if (!is_gzip (self->in + self->in_pos, self->in_len - self->in_pos))
            return 0;
          g_converter_reset (self->gunzip);
          self->member_done = FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      res = g_converter_convert (self->gunzip, self->in + self->in_pos, self->in_len - self->in_pos,
                                 buffer, size, self->in_eof ? G_CONVERTER_INPUT_AT_END : 0,
                                 &bytes_read, &bytes_written, &local_error);
      if (res == G_CONVERTER_ERROR)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) && !self->in_eof)
            {
              /* It needs more than what is there. */
              g_clear_error (&local_error);
              if (!fill_input (self, error))
                return -1;
              continue;
            }
          return gzip_failed (self, local_error, error);
        }
      self->in_pos += bytes_read;
      if (res == G_CONVERTER_FINISHED)
        self->member_done = TRUE;
      if (bytes_written > 0)
        {
          if (self->done + bytes_written > self->max_size)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                           _("“%s” unpacks to more than %u MiB, the most MpyMemMap opens; it is "
                             "not opened"), self->display, (guint) (self->max_size >> 20));
              return -1;
            }
          return bytes_written;
        }
      if (res != G_CONVERTER_FINISHED && bytes_read == 0 && !self->in_eof
          && !fill_input (self, error))
        return -1;
      if (res != G_CONVERTER_FINISHED && bytes_read == 0 && self->in_eof)
        return gzip_failed (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                                       _("the file ends inside the data")),
                            error);
    }
}

/**
 * mpy_file_reader_read:
 * @self: a #MpyFileReader
 * @buffer: where the bytes go
 * @size: the most to read
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError (%G_IO_ERROR)
 *
 * Reads the next bytes of the contents (unpacked when the file is gzip). More than the
 * reader's size limit is %G_IO_ERROR_MESSAGE_TOO_LARGE; a damaged gzip file is
 * %G_IO_ERROR_INVALID_DATA, or, when it was opened to allow that and something was unpacked,
 * the end of the contents and a warning.
 *
 * Returns: the number of bytes read, 0 at the end, -1 with @error
 */
gssize
mpy_file_reader_read (MpyFileReader  *self,
                      char           *buffer,
                      gsize           size,
                      GCancellable   *cancellable,
                      GError        **error)
{
  gssize r;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (buffer != NULL || size == 0, -1);

  if (self->at_end || size == 0)
    return 0;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  r = self->gunzip != NULL ? read_gzip (self, buffer, size, cancellable, error)
                           : read_plain (self, buffer, size, error);
  if (r == 0)
    self->at_end = TRUE;
  if (r > 0)
    self->done += r;
  return r;
}

gboolean
mpy_file_reader_is_gzip (MpyFileReader *self)
{
  return self->gunzip != NULL;
}

const char *
mpy_file_reader_get_display_name (MpyFileReader *self)
{
  return self->display;
}

guint64
mpy_file_reader_get_size (MpyFileReader *self)
{
  return self->size;
}

guint64
mpy_file_reader_get_position (MpyFileReader *self)
{
  off_t pos;

  if (self->gunzip == NULL)
    return self->done;
  pos = lseek (self->fd, 0, SEEK_CUR);
  return pos >= 0 ? (guint64) pos : 0;
}

GError *
mpy_file_reader_take_warning (MpyFileReader *self)
{
  return g_steal_pointer (&self->warning);
}

void
mpy_file_reader_free (MpyFileReader *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->gunzip);
  g_free (self->in);
  close (self->fd);
  g_clear_error (&self->warning);
  g_free (self->display);
  g_free (self);
}

/**
 * mpy_file_load_contents:
 * @path: a file name
 * @max_size: the largest file accepted, in bytes
 * @cancellable: (nullable): a #GCancellable, checked between pieces
 * @contents: (out): the bytes read, NUL-terminated (the NUL not counted)
 * @length: (out): the number of bytes read
 * @error: return location for a #GError (%G_IO_ERROR)
 *
 * Reads a whole regular file of at most @max_size bytes, with the checks of
 * mpy_file_reader_open().
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
 * @cancellable: (nullable): a #GCancellable, checked between pieces
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
  g_autoptr(MpyFileReader) reader = NULL;
  g_autofree char *data = NULL;
  gsize capacity, n = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL && length != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  reader = mpy_file_reader_open (path, max_size, warning != NULL, error);
  if (reader == NULL)
    return FALSE;

  capacity = MIN (MAX ((gsize) reader->size * (reader->gunzip != NULL ? 4 : 1), (gsize) 4096),
                  max_size + 1);
  data = g_malloc (capacity + 1);
  for (;;)
    {
      gssize r;

      if (n == capacity)
        {
          capacity = MIN (capacity * 2, max_size + 1);
          data = g_realloc (data, capacity + 1);
        }
      r = mpy_file_reader_read (reader, data + n, MIN (capacity - n, piece_size), cancellable,
                                error);
      if (r < 0)
        return FALSE;
      if (r == 0)
        break;
      n += r;
    }

  if (warning != NULL)
    *warning = mpy_file_reader_take_warning (reader);
  data[n] = '\0';
  *contents = g_steal_pointer (&data);
  *length = n;
  return TRUE;
}
