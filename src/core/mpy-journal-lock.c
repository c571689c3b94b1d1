/* mpy-journal-lock.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "mpy-autosave.h"
#include "mpy-journal-lock.h"

struct _MpyJournalLock
{
  char *journal_path;
  char *lock_path;
  int   fd;
};

static char *
journal_dir (void)
{
  g_autofree char *path = mpy_autosave_get_default_path ();

  return g_path_get_dirname (path);
}

/**
 * mpy_journal_lock_new_own_path:
 *
 * Returns: (transfer full): autosave-<pid>-<n>.mpysession in the journal folder, a name no
 *   other window of any running instance uses
 */
char *
mpy_journal_lock_new_own_path (void)
{
  static gint counter;
  g_autofree char *dir = journal_dir ();
  g_autofree char *name = g_strdup_printf ("autosave-%ld-%d.mpysession", (long) getpid (),
                                           g_atomic_int_add (&counter, 1) + 1);

  return g_build_filename (dir, name, NULL);
}

/**
 * mpy_journal_lock_try:
 * @journal_path: a journal file (it need not exist yet)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the held lock, or %NULL when a running instance holds it
 */
MpyJournalLock *
mpy_journal_lock_try (const char  *journal_path,
                      GError     **error)
{
  g_autofree char *lock_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *display = NULL;
  struct stat held, named;
  MpyJournalLock *lock;
  int fd;

  g_return_val_if_fail (journal_path != NULL, NULL);

  lock_path = g_strconcat (journal_path, ".lock", NULL);
  display = g_filename_display_name (journal_path);
  dir = g_path_get_dirname (journal_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The autosave folder “%s” could not be made: %s"), dir, g_strerror (saved));
      return NULL;
    }

  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The lock of the autosave “%s” could not be opened: %s"), display,
                   g_strerror (saved));
      return NULL;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) != 0
      /* Deleted by an instance discarding it between our open and flock: then this lock
       * guards nothing, and the journal is that instance's business. */
      || fstat (fd, &held) != 0 || g_stat (lock_path, &named) != 0
      || held.st_ino != named.st_ino || held.st_dev != named.st_dev)
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("The autosave “%s” belongs to another running MpyMemMap"), display);
      return NULL;
    }

  lock = g_new0 (MpyJournalLock, 1);
  lock->journal_path = g_strdup (journal_path);
  lock->lock_path = g_steal_pointer (&lock_path);
  lock->fd = fd;
  return lock;
}

const char *
mpy_journal_lock_get_journal_path (MpyJournalLock *lock)
{
  g_return_val_if_fail (lock != NULL, NULL);

  return lock->journal_path;
}

void
mpy_journal_lock_free (MpyJournalLock *lock)
{
  if (lock == NULL)
    return;
  if (lock->fd >= 0)
    close (lock->fd);
  g_free (lock->journal_path);
  g_free (lock->lock_path);
  g_free (lock);
}

static char *
document_note_path (const char *journal_path)
{
  return g_strconcat (journal_path, ".file", NULL);
}

gboolean
mpy_journal_lock_set_document_file (MpyJournalLock  *lock,
                                    const char      *document_path,
                                    GError         **error)
{
  g_autofree char *note = NULL;
  g_autofree char *old = NULL;

  g_return_val_if_fail (lock != NULL, FALSE);

  note = document_note_path (lock->journal_path);
  if (document_path == NULL)
    {
      g_unlink (note);
      return TRUE;
    }

  /* Unchanged: no write (every capture syncs the journal). */
  old = mpy_journal_lock_dup_document_file (lock);
  if (g_strcmp0 (old, document_path) == 0)
    return TRUE;

  return g_file_set_contents_full (note, document_path, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

char *
mpy_journal_lock_dup_document_file (MpyJournalLock *lock)
{
  g_autofree char *note = NULL;
  char *contents = NULL;

  g_return_val_if_fail (lock != NULL, NULL);

  note = document_note_path (lock->journal_path);
  if (!g_file_get_contents (note, &contents, NULL, NULL) || *contents == '\0')
    {
      g_free (contents);
      return NULL;
    }

  return contents;
}

void
mpy_journal_lock_discard (MpyJournalLock *lock)
{
  g_autofree char *note = NULL;

  if (lock == NULL)
    return;
  /* The lock file goes while still held, so nobody takes a lock on a name about to vanish
   * unnoticed (mpy_journal_lock_try() checks the name still leads to what it locked). */
  note = document_note_path (lock->journal_path);
  g_unlink (note);
  g_unlink (lock->journal_path);
  g_unlink (lock->lock_path);
  mpy_journal_lock_free (lock);
}

static int
compare_mtime (gconstpointer a,
               gconstpointer b)
{
  MpyJournalLock *la = *(MpyJournalLock **) a;
  MpyJournalLock *lb = *(MpyJournalLock **) b;
  struct stat sa = { 0 }, sb = { 0 };

  g_stat (la->journal_path, &sa);
  g_stat (lb->journal_path, &sb);
  if (sa.st_mtime != sb.st_mtime)
    return sa.st_mtime < sb.st_mtime ? -1 : 1;
  return g_strcmp0 (la->journal_path, lb->journal_path);
}

/**
 * mpy_journal_lock_claim_orphans:
 * @dir: (nullable): the journal folder, or %NULL for the default one
 *
 * Returns: (transfer full) (element-type MpyJournalLock): the journals of runs that ended,
 *   each locked by the caller until freed or discarded
 */
GPtrArray *
mpy_journal_lock_claim_orphans (const char *dir)
{
  g_autofree char *default_dir = dir ? NULL : journal_dir ();
  GPtrArray *claims = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_journal_lock_free);
  g_autoptr(GDir) listing = g_dir_open (dir ? dir : default_dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return claims;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      MpyJournalLock *lock;

      if (g_str_has_prefix (name, "autosave") && g_str_has_suffix (name, ".mpysession.lock"))
        {
          g_autofree char *lock_path = g_build_filename (dir ? dir : default_dir, name, NULL);
          g_autofree char *journal = g_strndup (lock_path, strlen (lock_path) - strlen (".lock"));

          /* The lock of a run that ended with nothing unsaved: tidy it away. */
          if (!g_file_test (journal, G_FILE_TEST_EXISTS))
            {
              lock = mpy_journal_lock_try (journal, NULL);
              if (lock != NULL && !g_file_test (journal, G_FILE_TEST_EXISTS))
                mpy_journal_lock_discard (lock);
              else
                mpy_journal_lock_free (lock);
            }
          continue;
        }
      if (!g_str_has_prefix (name, "autosave") || !g_str_has_suffix (name, ".mpysession"))
        continue;
      path = g_build_filename (dir ? dir : default_dir, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      lock = mpy_journal_lock_try (path, NULL);
      if (lock != NULL)
        g_ptr_array_add (claims, lock);
    }

  g_ptr_array_sort (claims, compare_mtime);
  return claims;
}
