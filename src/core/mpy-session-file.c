/* mpy-session-file.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Session files on disk: bounded reading, atomic saving, appending records whole or not at
 * all, and the GTask variants for the UI. */

#include "mpy-file-loader.h"
#include "mpy-session-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

static GPtrArray *
read_file (const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *snapshots;
  gsize length = 0;

  if (!mpy_file_load_contents (path, MPY_SESSION_MAX_SIZE, cancellable, &contents, &length, error))
    return NULL;

  snapshots = mpy_session_read_text (contents, length, &local_error);
  if (snapshots == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", display);
    }

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

  return read_file (path, NULL, error);
}

/**
 * mpy_session_write_file:
 * @path: the file to write
 * @snapshots: (element-type MpySnapshot): the snapshots
 * @error: return location for a #GError
 *
 * Writes the session file atomically: a temporary file beside @path, flushed to disk, then
 * renamed over it. When anything fails, the previous file at @path is untouched.
 *
 * Returns: %TRUE on success
 */
gboolean
mpy_session_write_file (const char  *path,
                        GPtrArray   *snapshots,
                        GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (snapshots != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = mpy_session_to_text (snapshots, &length);
  return mpy_session_replace_contents (path, text, length, 0666, error);
}

gboolean
mpy_session_replace_contents (const char  *path,
                              const char  *text,
                              gsize        length,
                              int          mode,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, text, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 mode, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);
      const char *why = NULL;

      /* GLib's message names the temporary file; say what the user can do instead. */
      if (local_error->domain == G_FILE_ERROR)
        switch (local_error->code)
          {
          case G_FILE_ERROR_NOSPC:
            why = _("there is no room for the file; free some disk space or save elsewhere");
            break;
          case G_FILE_ERROR_ACCES:
          case G_FILE_ERROR_PERM:
            why = _("you may not write in that folder; choose another one");
            break;
          case G_FILE_ERROR_ROFS:
            why = _("the disk is read-only; choose another folder");
            break;
          case G_FILE_ERROR_NOENT:
          case G_FILE_ERROR_NOTDIR:
            why = _("the folder does not exist");
            break;
          case G_FILE_ERROR_ISDIR:
            why = _("that is a folder");
            break;
          default:
            break;
          }

      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not save “%s”: %s"), display,
                   why != NULL ? why : local_error->message);
      return FALSE;
    }

  return TRUE;
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

      mpy_session_append_file_header (header);
      if (!write_all (fd, header->str, header->len))
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
      gssize r = pread (fd, head, sizeof head - 1, 0);
      char *nl;

      /* Only ever append to a session file of our format, never to someone's log. */
      if (r < 0)
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

      /* A file that does not end in a newline gets one, so the record starts a line. */
      if (pread (fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
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
  if (!write_all (fd, text, length) || fdatasync (fd) != 0)
    {
      g_autofree char *display = g_filename_display_name (path);

      return set_errno_error (error, _("Could not write to “%s”"), display);
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
 * that does not exist yet, an empty one or a session file of a format this version writes.
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
    return TRUE;
  fd = mpy_session_open_for_append (path, 0666, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/* Async variants */

static void
read_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *snapshots;

  if (g_task_return_error_if_cancelled (task))
    return;

  snapshots = read_file (task_data, cancellable, &error);
  if (snapshots == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, snapshots, (GDestroyNotify) g_ptr_array_unref);
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
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mpy_session_read_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
