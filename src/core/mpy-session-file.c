/* mpy-session-file.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Session files on disk: bounded reading, atomic saving, appending records whole or not at
 * all, and the GTask variants for the UI. */

#define _GNU_SOURCE   /* O_TMPFILE, linkat (AT_EMPTY_PATH), fallocate */

#include "mpy-dump-reader.h"
#include "mpy-file-loader.h"
#include "mpy-session-private.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* What the start of a file must hold to tell a session file, a capture transcript and other
 * text apart as reading the whole text does (the transcript check reads up to 64 lines). */
#define HEAD_SIZE (1024 * 1024)

/* Reads on from @file into @buf until it holds at least @size bytes or the file ends. */
static gboolean
read_into (MpyFileReader  *file,
           GByteArray     *buf,
           gsize           size,
           GCancellable   *cancellable,
           gboolean       *at_end,
           GError        **error)
{
  gsize piece = mpy_file_get_piece_size ();

  while (buf->len < size)
    {
      guint old = buf->len;
      gssize n;

      g_byte_array_set_size (buf, old + piece);
      n = mpy_file_reader_read (file, (char *) buf->data + old, piece, cancellable, error);
      g_byte_array_set_size (buf, old + MAX (n, 0));
      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          *at_end = TRUE;
          return TRUE;
        }
    }
  return TRUE;
}

/* Any text but a session file or a transcript: read by the dump reader piece by piece, so
 * that only about one dump's text is held at a time. */
static GPtrArray *
read_log (MpyFileReader  *file,
          GByteArray     *head,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autoptr(MpyDumpReader) reader = mpy_dump_reader_new (NULL);
  g_autoptr(GPtrArray) dumps = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);

  if (!mpy_dump_reader_feed (reader, (const char *) head->data, head->len, dumps, error))
    return NULL;
  g_byte_array_set_size (head, 0);
  if (!mpy_dump_reader_feed_file (reader, file, cancellable, dumps, error))
    return NULL;
  return g_steal_pointer (&dumps);
}

static GPtrArray *
read_file (const char    *path,
           GCancellable  *cancellable,
           GError       **warning,
           GError       **error)
{
  g_autoptr(MpyFileReader) file = NULL;
  g_autoptr(GByteArray) head = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) local_warning = NULL;
  g_autoptr(GError) gzip_warning = NULL;
  GPtrArray *snapshots = NULL;
  const char *display, *start;
  gboolean at_end = FALSE;
  gsize n;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  file = mpy_file_reader_open (path, MPY_SESSION_MAX_SIZE, warning != NULL, error);
  if (file == NULL)
    return NULL;
  display = mpy_file_reader_get_display_name (file);

  if (!read_into (file, head, HEAD_SIZE, cancellable, &at_end, error))
    return NULL;
  start = (const char *) head->data;
  n = head->len;
  if (n >= 3 && memcmp (start, "\xef\xbb\xbf", 3) == 0)
    {
      start += 3;
      n -= 3;
    }
  if (mpy_session_is_session_text (start, n))
    snapshots = mpy_session_read_file_records (file, head, cancellable,
                                               warning != NULL ? &local_warning : NULL,
                                               &local_error);
  else if (mpy_session_looks_like_transcript (start, n))
    {
      /* A capture transcript (a test fixture's size): read whole, then decoded. */
      if (!read_into (file, head, G_MAXSIZE, cancellable, &at_end, error))
        return NULL;
      snapshots = mpy_session_read_text_full ((const char *) head->data, head->len,
                                              warning != NULL ? &local_warning : NULL,
                                              &local_error);
    }
  else
    snapshots = read_log (file, head, cancellable, &local_error);

  gzip_warning = mpy_file_reader_take_warning (file);
  if (snapshots == NULL)
    {
      /* Reading errors name the file already. */
      if (local_error->domain == G_IO_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", display);
    }
  else if (gzip_warning != NULL)
    {
      /* The gzip cut says why; the session reader's own warning (a record cut short) says
       * what was kept. */
      if (local_warning != NULL)
        g_prefix_error (&gzip_warning, "%s; %s: ", local_warning->message, display);
      g_propagate_error (warning, g_steal_pointer (&gzip_warning));
    }
  else if (local_warning != NULL)
    g_propagate_prefixed_error (warning, g_steal_pointer (&local_warning), "%s: ", display);

  return snapshots;
}

/**
 * mpy_session_read_file:
 * @path: a file name
 * @error: return location for a #GError
 *
 * Reads a session file or any text file, as mpy_session_read_text(). The size (at most
 * 256 MiB) and the file type are checked before reading (mpy_file_load_contents()): a FIFO,
 * a socket or a device is refused without blocking.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots, or %NULL with @error
 */
GPtrArray *
mpy_session_read_file (const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_file (path, NULL, NULL, error);
}

/**
 * mpy_session_read_file_full:
 * @path: a file name
 * @warning: (optional): return location for what was cut or skipped
 * @error: return location for a #GError
 *
 * As mpy_session_read_text_full() for the contents of @path; messages name the file.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots, or %NULL with @error
 */
GPtrArray *
mpy_session_read_file_full (const char  *path,
                            GError     **warning,
                            GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (warning == NULL || *warning == NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_file (path, NULL, warning, error);
}

/* The session text as a gzip stream, through GIO's zlib converter. */
static GBytes *
gzip_text (const char  *text,
           gsize        length,
           GError     **error)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  if (!g_output_stream_write_all (out, text, length, NULL, NULL, error) ||
      !g_output_stream_close (out, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/**
 * mpy_session_write_file:
 * @path: the file to write
 * @snapshots: (element-type MpySnapshot): the snapshots
 * @error: return location for a #GError
 *
 * Writes the session file atomically: a temporary file beside @path, flushed to disk, then
 * renamed over it. A @path ending in `.gz` is written gzip-compressed (GIO's zlib converter);
 * reading unpacks it again. When anything fails, the previous file at @path is untouched.
 *
 * Returns: %TRUE on success
 */
gboolean
mpy_session_write_file (const char  *path,
                        GPtrArray   *snapshots,
                        GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (snapshots != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A record at a time: a long session's text is never held whole. */
  return mpy_session_replace_with_snapshots (path, snapshots, g_str_has_suffix (path, ".gz"),
                                             0666, error);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize w = write (fd, data, length);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return FALSE;
      data += w;
      length -= w;
    }
  return TRUE;
}

static gboolean
set_errno_error (GError     **error,
                 const char  *format,
                 const char  *display)
{
  int saved_errno = errno;
  g_autofree char *what = g_strdup_printf (format, display);

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

static void
sync_parent_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Saving goes through a temporary file. Where the file system has O_TMPFILE it has no name
 * until it is complete (a kill -9 in the middle leaves nothing behind); elsewhere it is
 * ".NAME.mpymemmap-tmp-PID-XXXXXX" beside the file, and a later save removes those whose
 * process is gone. */
#define TEMP_TAG ".mpymemmap-tmp-"

gboolean mpy_session_test_no_tmpfile = FALSE;

static char *
temp_prefix (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_strconcat (".", base, TEMP_TAG, NULL);
}

/* Removes the temporaries killed saves left in @dir_name (their process no longer exists):
 * those of @path's name, or with @path NULL, those of any file. */
static void
remove_stale_in (const char *dir_name,
                 const char *path)
{
  g_autofree char *prefix = path != NULL ? temp_prefix (path) : NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      const char *tag = strstr (name, TEMP_TAG);
      guint64 pid = 0;
      char *end = NULL;

      if (name[0] != '.' || tag == NULL || (prefix != NULL && !g_str_has_prefix (name, prefix)))
        continue;
      pid = g_ascii_strtoull (tag + strlen (TEMP_TAG), &end, 10);
      if (end == NULL || *end != '-' || pid == 0 || pid > G_MAXINT || (pid_t) pid == getpid ())
        continue;
      if (kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
        {
          g_autofree char *stale = g_build_filename (dir_name, name, NULL);

          g_unlink (stale);
        }
    }
}

static void
remove_stale_temporaries (const char *path)
{
  g_autofree char *dir_name = g_path_get_dirname (path);

  remove_stale_in (dir_name, path);
}

void
mpy_session_remove_stale_temporaries (const char *dir)
{
  g_return_if_fail (dir != NULL);

  remove_stale_in (dir, NULL);
}

/* What a save writes: bytes held whole, or the session file of some snapshots, made a record
 * at a time (a long session's raw texts are mostly deltas: the whole text is never held). */
typedef struct {
  const char *text;
  gsize       length;
  GPtrArray  *snapshots;   /* (element-type MpySnapshot) (nullable) */
  gboolean    gzip;
} Content;

#define PIECE_SIZE (64u * 1024)

/* Writes @length bytes at @data to @fd, through @compressor when there is one (@finish ends
 * its stream). FALSE with errno set when it fails. */
static gboolean
write_piece (int         fd,
             GConverter *compressor,
             guint8     *buf,
             const char *data,
             gsize       length,
             gboolean    finish)
{
  if (compressor == NULL)
    return write_all (fd, data, length);
  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult res;
      g_autoptr(GError) error = NULL;

      res = g_converter_convert (compressor, data, length, buf, PIECE_SIZE,
                                 finish ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                 &read, &written, &error);
      if (res == G_CONVERTER_ERROR)
        {
          errno = EIO;
          return FALSE;
        }
      if (!write_all (fd, (const char *) buf, written))
        return FALSE;
      data += read;
      length -= read;
      if (res == G_CONVERTER_FINISHED || (length == 0 && !finish))
        return TRUE;
    }
}

static gboolean
write_content (int            fd,
               const Content *content)
{
  g_autoptr(GString) piece = NULL;
  g_autoptr(GZlibCompressor) compressor = NULL;
  g_autofree guint8 *buf = NULL;

  if (content->snapshots == NULL)
    return write_all (fd, content->text, content->length);

  piece = g_string_sized_new (PIECE_SIZE + 16384);
  if (content->gzip)
    {
      compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
      buf = g_malloc (PIECE_SIZE);
    }
  mpy_session_append_file_header (piece);
  for (guint i = 0; i <= content->snapshots->len; i++)
    {
      gboolean last = i == content->snapshots->len;

      if (piece->len >= PIECE_SIZE || last)
        {
          if (!write_piece (fd, G_CONVERTER (compressor), buf, piece->str, piece->len, last))
            return FALSE;
          g_string_truncate (piece, 0);
        }
      if (!last)
        mpy_session_append_record (piece, g_ptr_array_index (content->snapshots, i));
    }
  return TRUE;
}

static gboolean
write_temporary (int            fd,
                 const Content *content)
{
  return write_content (fd, content) && fsync (fd) == 0;
}

/* Writes @text to a new, unnamed file in @path's folder, then gives it the name
 * @link_name. Returns 1 when done, 0 when the folder has no O_TMPFILE (or the file cannot be
 * linked), -1 with errno when the write failed. */
static int
replace_via_tmpfile (const char    *path,
                     const char    *link_name,
                     const Content *content,
                     int            mode)
{
#ifdef O_TMPFILE
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *proc = NULL;
  int fd = mpy_session_test_no_tmpfile ? -1 : g_open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  int saved_errno;

  if (fd < 0)
    return 0;   /* not supported here; a real problem shows again in the fallback */
  if (!write_temporary (fd, content))
    {
      saved_errno = errno;
      close (fd);
      errno = saved_errno;
      return -1;
    }
  proc = g_strdup_printf ("/proc/self/fd/%d", fd);
  if (linkat (AT_FDCWD, proc, AT_FDCWD, link_name, AT_SYMLINK_FOLLOW) != 0
      && linkat (fd, "", AT_FDCWD, link_name, AT_EMPTY_PATH) != 0)
    {
      close (fd);
      return 0;
    }
  close (fd);
  return 1;
#else
  return 0;
#endif
}

static const char *
explain_save_error (int saved_errno)
{
  switch (saved_errno)
    {
    case ENOSPC:
    case EDQUOT:
      return _("there is no room for the file; free some disk space or save elsewhere");
    case EACCES:
    case EPERM:
      return _("you may not write in that folder; choose another one");
    case EROFS:
      return _("the disk is read-only; choose another folder");
    case ENOENT:
    case ENOTDIR:
      return _("the folder does not exist");
    case EISDIR:
      return _("that is a folder");
    default:
      return g_strerror (saved_errno);
    }
}

static gboolean
replace_with (const char     *path,
              const Content  *content,
              int             mode,
              GError        **error)
{
  g_autofree char *prefix = temp_prefix (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *temp = NULL;
  int linked;
  int saved_errno;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      errno = EISDIR;
      goto failed;
    }

  remove_stale_temporaries (path);

  /* The name the finished file has for a moment before it is renamed over @path; the
   * fallback's temporary has it while it is written. */
  temp = g_strdup_printf ("%s%c%s%d-%08x", dir, G_DIR_SEPARATOR, prefix, (int) getpid (),
                          g_random_int ());

  linked = replace_via_tmpfile (path, temp, content, mode);
  if (linked < 0)
    goto failed;
  if (linked == 0)
    {
      int fd = g_open (temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

      if (fd < 0)
        goto failed;
      if (!write_temporary (fd, content))
        {
          saved_errno = errno;
          close (fd);
          g_unlink (temp);
          errno = saved_errno;
          goto failed;
        }
      close (fd);
    }

  if (g_rename (temp, path) != 0)
    {
      saved_errno = errno;
      g_unlink (temp);
      errno = saved_errno;
      goto failed;
    }
  sync_parent_dir (path);
  return TRUE;

failed:
  saved_errno = errno;
  {
    g_autofree char *display = g_filename_display_name (path);

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                 _("Could not save “%s”: %s"), display, explain_save_error (saved_errno));
  }
  return FALSE;
}

gboolean
mpy_session_replace_contents (const char  *path,
                              const char  *text,
                              gsize        length,
                              int          mode,
                              GError     **error)
{
  Content content = { text, length, NULL, FALSE };

  return replace_with (path, &content, mode, error);
}

gboolean
mpy_session_replace_with_snapshots (const char  *path,
                                    GPtrArray   *snapshots,
                                    gboolean     gzip,
                                    int          mode,
                                    GError     **error)
{
  Content content = { NULL, 0, snapshots, gzip };

  g_return_val_if_fail (snapshots != NULL, FALSE);

  return replace_with (path, &content, mode, error);
}

/* Writes @text at the end of @fd whole or not at all: the room is reserved first where the
 * file system can, and a write that still fails is cut back to the old length. */
static gboolean
append_whole (int          fd,
              const char  *text,
              gsize        length)
{
  struct stat st;
  int saved_errno;

  if (fstat (fd, &st) != 0)
    return FALSE;

  if (fallocate (fd, FALLOC_FL_KEEP_SIZE, st.st_size, (off_t) length) != 0
      && errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
    return FALSE;   /* no room: nothing written */

  if (write_all (fd, text, length) && fdatasync (fd) == 0)
    return TRUE;

  saved_errno = errno;
  if (ftruncate (fd, st.st_size) == 0)
    fdatasync (fd);
  errno = saved_errno;
  return FALSE;
}

/* Whether the file at @fd is gzip (by its magic bytes). */
static gboolean
fd_is_gzip (int fd)
{
  guchar magic[2];

  return pread (fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

/* Appends @text to @fd, as one more gzip member when @gzip (a gzip file may hold several,
 * read as one text), whole or not at all. */
static gboolean
append_maybe_gzip (int          fd,
                   gboolean     gzip,
                   const char  *text,
                   gsize        length)
{
  g_autoptr(GBytes) packed = NULL;

  if (!gzip)
    return append_whole (fd, text, length);
  packed = gzip_text (text, length, NULL);
  if (packed == NULL)
    {
      errno = ENOMEM;
      return FALSE;
    }
  return append_whole (fd, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
}

/* The start of a gzip session file, unpacked: at most @size bytes. */
static gssize
read_gzip_head (const char  *path,
                char        *head,
                gsize        size,
                GError     **error)
{
  g_autoptr(MpyFileReader) file = mpy_file_reader_open (path, MPY_SESSION_MAX_SIZE, TRUE, error);
  gsize n = 0;

  if (file == NULL)
    return -1;
  while (n < size)
    {
      gssize r = mpy_file_reader_read (file, head + n, size - n, NULL, error);

      if (r < 0)
        return -1;
      if (r == 0)
        break;
      n += r;
    }
  return n;
}

int
mpy_session_open_for_append (const char  *path,
                             int          mode,
                             GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf st;
  int fd;

  fd = g_open (path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0)
    {
      set_errno_error (error, _("Could not open “%s” to add a snapshot"), display);
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      set_errno_error (error, _("Could not read “%s”"), display);
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is not a regular file"), display);
      return -1;
    }

  if (st.st_size == 0)
    {
      g_autoptr(GString) header = g_string_new (NULL);

      /* A new file named .gz is written gzip, one member per append. */
      mpy_session_append_file_header (header);
      if (!append_maybe_gzip (fd, g_str_has_suffix (path, ".gz"), header->str, header->len))
        {
          set_errno_error (error, _("Could not write to “%s”"), display);
          close (fd);
          return -1;
        }
      sync_parent_dir (path);
    }
  else
    {
      char head[128] = { 0 };
      char last = '\n';
      gboolean gzip = fd_is_gzip (fd);
      gssize r;
      char *nl;

      /* Only ever append to a session file of our format, never to someone's log. */
      if (gzip)
        {
          r = read_gzip_head (path, head, sizeof head - 1, error);
          if (r < 0)
            {
              close (fd);
              return -1;
            }
        }
      else if ((r = pread (fd, head, sizeof head - 1, 0)) < 0)
        {
          set_errno_error (error, _("Could not read “%s”"), display);
          close (fd);
          return -1;
        }
      if (!mpy_session_is_session_text (head, r))
        {
          close (fd);
          g_set_error (error, MPY_SESSION_ERROR, MPY_SESSION_ERROR_MALFORMED,
                       _("“%s” is not a MpyMemMap session file; not adding snapshots to it "
                         "(choose a new file name)"), display);
          return -1;
        }
      nl = strchr (head, '\n');
      if (mpy_session_parse_version_line (head, nl != NULL ? (gsize) (nl - head) : strlen (head), error) == 0)
        {
          g_prefix_error (error, "%s: ", display);
          close (fd);
          return -1;
        }

      /* A file that does not end in a newline gets one, so the record starts a line (a
       * gzip file's records end in one as written). */
      if (!gzip && pread (fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
        write_all (fd, "\n", 1);
    }

  return fd;
}

gboolean
mpy_session_append_text (int          fd,
                         const char  *path,
                         const char  *text,
                         gsize        length,
                         GError     **error)
{
  if (!append_maybe_gzip (fd, fd_is_gzip (fd), text, length))
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not add the snapshot to “%s” (the file is as it was): %s"),
                   display, explain_save_error (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/**
 * mpy_session_append_file:
 * @path: a session file; created with its version line when missing
 * @snapshot: the snapshot to add
 * @error: return location for a #GError
 *
 * Appends one record to a session file and flushes it to disk. An existing file that is not a
 * session file (or is of a newer format) is left alone and an error is returned.
 *
 * Returns: %TRUE on success
 */
gboolean
mpy_session_append_file (const char   *path,
                         MpySnapshot  *snapshot,
                         GError      **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = mpy_session_open_for_append (path, 0666, error);
  if (fd < 0)
    return FALSE;

  text = mpy_session_record_to_text (snapshot, FALSE, &length);
  ok = mpy_session_append_text (fd, path, text, length, error);
  close (fd);

  return ok;
}

/**
 * mpy_session_check_appendable:
 * @path: a file name
 * @error: return location for a #GError
 *
 * Finds out before a capture whether mpy_session_append_file() would add to @path: a file
 * that does not exist yet (in a folder that exists and may be written), an empty one or a
 * session file of a format this version writes.
 *
 * Returns: %TRUE when records can be appended
 */
gboolean
mpy_session_check_appendable (const char  *path,
                              GError     **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* A new file: its folder must exist and take new files, or the capture would be lost
       * after the board's statements ran. */
      g_autofree char *dir = g_path_get_dirname (path);

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                       "Cannot write %s: the folder %s does not exist", path, dir);
          return FALSE;
        }
      if (access (dir, W_OK | X_OK) != 0)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "Cannot write %s: no permission to create files in the folder %s (%s)",
                       path, dir, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  fd = mpy_session_open_for_append (path, 0666, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/* Async variants */

typedef struct {
  GPtrArray *snapshots;
  GError *warning;
} ReadResult;

static void
read_result_free (ReadResult *result)
{
  g_clear_pointer (&result->snapshots, g_ptr_array_unref);
  g_clear_error (&result->warning);
  g_free (result);
}

static void
read_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  ReadResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  result = g_new0 (ReadResult, 1);
  result->snapshots = read_file (task_data, cancellable, &result->warning, &error);
  if (result->snapshots == NULL)
    {
      read_result_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, (GDestroyNotify) read_result_free);
}

/**
 * mpy_session_read_file_async:
 * @path: a file name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * mpy_session_read_file() on a worker thread.
 */
void
mpy_session_read_file_async (const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_session_read_file_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, read_file_thread);
}

/**
 * mpy_session_read_file_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots, or %NULL with @error
 */
GPtrArray *
mpy_session_read_file_finish (GAsyncResult  *result,
                              GError       **error)
{
  return mpy_session_read_file_finish_full (result, NULL, error);
}

/**
 * mpy_session_read_file_finish_full:
 * @result: the #GAsyncResult
 * @warning: (optional): return location for what was cut or skipped
 * @error: return location for a #GError
 *
 * As mpy_session_read_file_full(); with @warning %NULL, damage is an error.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the snapshots, or %NULL with @error
 */
GPtrArray *
mpy_session_read_file_finish_full (GAsyncResult  *result,
                                   GError       **warning,
                                   GError       **error)
{
  ReadResult *read;
  GPtrArray *snapshots;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_session_read_file_async, NULL);

  read = g_task_propagate_pointer (G_TASK (result), error);
  if (read == NULL)
    return NULL;
  if (read->warning != NULL && warning == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read->warning));
      read_result_free (read);
      return NULL;
    }
  if (read->warning != NULL)
    g_propagate_error (warning, g_steal_pointer (&read->warning));
  snapshots = g_steal_pointer (&read->snapshots);
  read_result_free (read);
  return snapshots;
}

typedef struct {
  char *path;
  GPtrArray *snapshots;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->path);
  g_ptr_array_unref (data->snapshots);
  g_free (data);
}

static void
write_file_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (mpy_session_write_file (data->path, data->snapshots, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mpy_session_write_file_async:
 * @path: the file to write
 * @snapshots: (element-type MpySnapshot): the snapshots (the array is copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * mpy_session_write_file() on a worker thread.
 */
void
mpy_session_write_file_async (const char          *path,
                              GPtrArray           *snapshots,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (snapshots != NULL);

  /* A copy, so the caller may change its list while the file is written. */
  data = g_new0 (WriteData, 1);
  data->path = g_strdup (path);
  data->snapshots = g_ptr_array_new_full (snapshots->len, (GDestroyNotify) mpy_snapshot_unref);
  for (guint i = 0; i < snapshots->len; i++)
    g_ptr_array_add (data->snapshots, mpy_snapshot_ref (g_ptr_array_index (snapshots, i)));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mpy_session_write_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_file_thread);
}

/**
 * mpy_session_write_file_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the file was written
 */
gboolean
mpy_session_write_file_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_session_write_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
