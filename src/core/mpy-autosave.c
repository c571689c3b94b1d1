/* mpy-autosave.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The autosave journal is a session file that grows by one record per captured or imported
 * snapshot. One worker thread does all the file work in the order the calls were made, so
 * the main loop never waits for the disk; each record goes out in a single write() followed
 * by fdatasync(), so a kill -9 a moment after mpy_autosave_add() returns loses nothing. A
 * write that fails (a full disk) is cut back to the old length, so it leaves nothing; a crash
 * in the middle of one leaves at most a truncated last record, which loading skips and the
 * next run's first write cuts off. Loading skips a damaged record anywhere and reads on.
 */

#include "mpy-autosave.h"
#include "mpy-file-loader.h"
#include "mpy-session-private.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

typedef enum {
  JOB_ADD,
  JOB_REPLACE,
  JOB_CLEAR,
  JOB_FLUSH,
  JOB_SWEEP,
  JOB_QUIT,
} JobKind;

typedef struct {
  JobKind kind;
  MpySnapshot *snapshot;   /* JOB_ADD */
  GPtrArray *snapshots;    /* JOB_REPLACE */
  /* JOB_FLUSH: the caller waits until done is set. */
  GMutex *mutex;
  GCond *cond;
  gboolean *done;
} Job;

/* Shared between the object and the idle callbacks that report errors, which may run after
 * the object is gone. */
typedef struct {
  GWeakRef self;
} Shared;

struct _MpyAutosave
{
  GObject parent_instance;

  char *path;
  GThreadPool *pool;       /* one exclusive thread: all file work, in call order */
  GMainContext *context;
  Shared *shared;

  /* Owned by the worker thread. */
  int fd;
  gboolean repaired;
};

G_DEFINE_FINAL_TYPE (MpyAutosave, mpy_autosave, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  WRITE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static Shared *
shared_new (MpyAutosave *self)
{
  Shared *shared = g_atomic_rc_box_new0 (Shared);

  g_weak_ref_init (&shared->self, self);
  return shared;
}

static void
shared_clear (Shared *shared)
{
  g_weak_ref_clear (&shared->self);
}

static void
shared_unref (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify) shared_clear);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->snapshot, mpy_snapshot_unref);
  g_clear_pointer (&job->snapshots, g_ptr_array_unref);
  g_free (job);
}

typedef struct {
  Shared *shared;
  char *message;
} Failure;

static gboolean
emit_failure (gpointer data)
{
  Failure *failure = data;
  g_autoptr(MpyAutosave) self = g_weak_ref_get (&failure->shared->self);

  if (self != NULL)
    g_signal_emit (self, signals[WRITE_FAILED], 0, failure->message);

  shared_unref (failure->shared);
  g_free (failure->message);
  g_free (failure);
  return G_SOURCE_REMOVE;
}

/* Worker thread: hands an error to the main context of the object's owner. */
static void
report_failure (MpyAutosave *self,
                GError      *error)
{
  Failure *failure = g_new0 (Failure, 1);

  /* A message, not a warning: the signal is how the window learns of it, and warnings are
   * fatal in tests. */
  g_message ("Autosave: %s", error->message);
  failure->shared = g_atomic_rc_box_acquire (self->shared);
  failure->message = g_strdup (error->message);
  /* An idle source, not g_main_context_invoke(): when no thread holds the owner's context,
   * invoke would run emit_failure right here on the worker thread. */
  {
    g_autoptr(GSource) source = g_idle_source_new ();

    g_source_set_callback (source, emit_failure, failure, NULL);
    g_source_attach (source, self->context);
  }
}

static void
close_journal (MpyAutosave *self)
{
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
}

/* Before the first record of this run goes into a journal left by an earlier run, cut off a
 * truncated record a crash may have left at its end, so that the new records stay readable.
 * Only bytes that are not a whole record are cut: a record that is whole but cannot be read
 * (a damaged dump) stays. A file that is not a journal at all is moved aside rather than
 * overwritten. */
static void
repair_journal (MpyAutosave *self)
{
  g_autofree char *contents = NULL;
  MpySessionParse parse;
  gsize length = 0;

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    return;
  if (!mpy_file_load_contents (self->path, MPY_SESSION_MAX_SIZE, NULL, &contents, &length, NULL) || length == 0)
    return;

  if (!mpy_session_parse (contents, length, &parse, NULL))
    {
      g_autofree char *aside = g_strconcat (self->path, ".damaged", NULL);

      g_message ("Autosave: %s is not a session file; moved it to %s", self->path, aside);
      g_rename (self->path, aside);
      return;
    }

  if (parse.structural_end < length)
    {
      int fd = g_open (self->path, O_WRONLY | O_CLOEXEC, 0);

      if (fd >= 0)
        {
          if (ftruncate (fd, parse.structural_end) == 0)
            fdatasync (fd);
          close (fd);
        }
    }
  mpy_session_parse_clear (&parse);
}

static gboolean
ensure_dir (MpyAutosave  *self,
            GError      **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create the autosave folder “%s”: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static void
do_add (MpyAutosave *self,
        MpySnapshot *snapshot)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (self->fd < 0)
    {
      if (!ensure_dir (self, &error))
        goto failed;
      if (!self->repaired)
        {
          repair_journal (self);
          self->repaired = TRUE;
        }
      self->fd = mpy_session_open_for_append (self->path, 0600, &error);
      if (self->fd < 0)
        goto failed;
    }

  text = mpy_session_record_to_text (snapshot, FALSE, &length);
  if (!mpy_session_append_text (self->fd, self->path, text, length, &error))
    {
      /* Reopen next time: the file may have been removed or the disk freed meanwhile. */
      close_journal (self);
      goto failed;
    }
  return;

failed:
  report_failure (self, error);
}

static void
do_replace (MpyAutosave *self,
            GPtrArray   *snapshots)
{
  g_autoptr(GError) error = NULL;

  close_journal (self);
  self->repaired = TRUE;   /* the whole file is ours from now on */

  if (!ensure_dir (self, &error))
    goto failed;

  /* A record at a time: the journal of a long session is not made whole in memory. */
  if (!mpy_session_replace_with_snapshots (self->path, snapshots, FALSE, 0600, &error))
    goto failed;
  return;

failed:
  report_failure (self, error);
}

static void
do_clear (MpyAutosave *self)
{
  close_journal (self);
  self->repaired = TRUE;

  if (g_unlink (self->path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;
      g_autoptr(GError) error = NULL;
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not remove the autosave file “%s”: %s"),
                   display, g_strerror (saved_errno));
      report_failure (self, error);
    }
}

/* The pool's function: its one exclusive thread runs the jobs in the order queued. */
static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  MpyAutosave *self = user_data;

  switch (job->kind)
    {
    case JOB_ADD:
      do_add (self, job->snapshot);
      break;
    case JOB_REPLACE:
      do_replace (self, job->snapshots);
      break;
    case JOB_CLEAR:
      do_clear (self);
      break;
    case JOB_FLUSH:
      g_mutex_lock (job->mutex);
      *job->done = TRUE;
      g_cond_signal (job->cond);
      g_mutex_unlock (job->mutex);
      break;
    case JOB_SWEEP:
      {
        /* What a save killed in an earlier run left in the journal folder. */
        g_autofree char *dir = g_path_get_dirname (self->path);

        mpy_session_remove_stale_temporaries (dir);
      }
      break;
    case JOB_QUIT:
      close_journal (self);
      break;
    default:
      g_assert_not_reached ();
    }

  job_free (job);
}

static void
push_job (MpyAutosave *self,
          Job         *job)
{
  g_thread_pool_push (self->pool, job, NULL);
}

static void
mpy_autosave_constructed (GObject *object)
{
  MpyAutosave *self = MPY_AUTOSAVE (object);

  G_OBJECT_CLASS (mpy_autosave_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = mpy_autosave_get_default_path ();

  self->context = g_main_context_ref_thread_default ();
  self->shared = shared_new (self);
  /* Exclusive: the thread is the pool's alone for the object's life. */
  self->pool = g_thread_pool_new (run_job, self, 1, TRUE, NULL);
  g_assert (self->pool != NULL);

  {
    Job *job = g_new0 (Job, 1);

    job->kind = JOB_SWEEP;
    push_job (self, job);
  }
}

static void
mpy_autosave_dispose (GObject *object)
{
  MpyAutosave *self = MPY_AUTOSAVE (object);

  /* Everything queued is written before the object goes. */
  if (self->pool != NULL)
    {
      Job *job = g_new0 (Job, 1);

      job->kind = JOB_QUIT;
      push_job (self, job);
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
    }

  G_OBJECT_CLASS (mpy_autosave_parent_class)->dispose (object);
}

static void
mpy_autosave_finalize (GObject *object)
{
  MpyAutosave *self = MPY_AUTOSAVE (object);

  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->shared, shared_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (mpy_autosave_parent_class)->finalize (object);
}

static void
mpy_autosave_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MpyAutosave *self = MPY_AUTOSAVE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_autosave_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  MpyAutosave *self = MPY_AUTOSAVE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_autosave_class_init (MpyAutosaveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mpy_autosave_constructed;
  object_class->dispose = mpy_autosave_dispose;
  object_class->finalize = mpy_autosave_finalize;
  object_class->get_property = mpy_autosave_get_property;
  object_class->set_property = mpy_autosave_set_property;

  /**
   * MpyAutosave:path:
   *
   * The journal file; %NULL at construction means mpy_autosave_get_default_path().
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MpyAutosave::write-failed:
   * @self: the autosave
   * @message: what went wrong, for the user (names the file and the cause)
   *
   * Emitted on the main context the autosave was created in when the journal could not be
   * written (disk full, folder not writable, …). The snapshots are still in the window; the
   * user should save the session.
   */
  signals[WRITE_FAILED] =
    g_signal_new ("write-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mpy_autosave_init (MpyAutosave *self)
{
  self->fd = -1;
}

/**
 * mpy_autosave_get_default_path:
 *
 * Returns: (transfer full): `$XDG_STATE_HOME/mpymemmap/autosave.mpysession`
 */
char *
mpy_autosave_get_default_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "mpymemmap",
                           "autosave" MPY_SESSION_SUFFIX, NULL);
}

/**
 * mpy_autosave_new:
 * @path: (nullable): the journal file, or %NULL for mpy_autosave_get_default_path()
 *
 * Creates the autosave journal writer. Nothing is written until the first call. Load what a
 * previous run left with mpy_autosave_load() first, then call mpy_autosave_replace() with the
 * restored snapshots or mpy_autosave_clear() to discard them.
 *
 * Returns: (transfer full): a new #MpyAutosave
 */
MpyAutosave *
mpy_autosave_new (const char *path)
{
  return g_object_new (MPY_TYPE_AUTOSAVE, "path", path, NULL);
}

/**
 * mpy_autosave_add:
 * @self: an #MpyAutosave
 * @snapshot: a captured or imported snapshot
 *
 * Appends @snapshot to the journal on the worker thread and flushes it to disk; returns at
 * once. Failures are reported by #MpyAutosave::write-failed.
 */
void
mpy_autosave_add (MpyAutosave *self,
                  MpySnapshot *snapshot)
{
  Job *job;

  g_return_if_fail (MPY_IS_AUTOSAVE (self));
  g_return_if_fail (snapshot != NULL);

  job = g_new0 (Job, 1);
  job->kind = JOB_ADD;
  job->snapshot = mpy_snapshot_ref (snapshot);
  push_job (self, job);
}

/**
 * mpy_autosave_replace:
 * @self: an #MpyAutosave
 * @snapshots: (element-type MpySnapshot): every snapshot of the session now
 *
 * Rewrites the journal atomically with exactly @snapshots (after a rename, a delete or an
 * open); the array is copied.
 */
void
mpy_autosave_replace (MpyAutosave *self,
                      GPtrArray   *snapshots)
{
  Job *job;

  g_return_if_fail (MPY_IS_AUTOSAVE (self));
  g_return_if_fail (snapshots != NULL);

  job = g_new0 (Job, 1);
  job->kind = JOB_REPLACE;
  job->snapshots = g_ptr_array_new_full (snapshots->len, (GDestroyNotify) mpy_snapshot_unref);
  for (guint i = 0; i < snapshots->len; i++)
    g_ptr_array_add (job->snapshots, mpy_snapshot_ref (g_ptr_array_index (snapshots, i)));
  push_job (self, job);
}

/**
 * mpy_autosave_clear:
 * @self: an #MpyAutosave
 *
 * Removes the journal (after an explicit save, or when the user discards a restore).
 */
void
mpy_autosave_clear (MpyAutosave *self)
{
  Job *job;

  g_return_if_fail (MPY_IS_AUTOSAVE (self));

  job = g_new0 (Job, 1);
  job->kind = JOB_CLEAR;
  push_job (self, job);
}

/**
 * mpy_autosave_flush:
 * @self: an #MpyAutosave
 *
 * Blocks until every call made before it has reached the disk.
 */
void
mpy_autosave_flush (MpyAutosave *self)
{
  GMutex mutex;
  GCond cond;
  gboolean done = FALSE;
  Job *job;

  g_return_if_fail (MPY_IS_AUTOSAVE (self));

  g_mutex_init (&mutex);
  g_cond_init (&cond);

  job = g_new0 (Job, 1);
  job->kind = JOB_FLUSH;
  job->mutex = &mutex;
  job->cond = &cond;
  job->done = &done;

  g_mutex_lock (&mutex);
  push_job (self, job);
  while (!done)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);

  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
}

/**
 * mpy_autosave_get_path:
 * @self: an #MpyAutosave
 *
 * Returns: the journal file
 */
const char *
mpy_autosave_get_path (MpyAutosave *self)
{
  g_return_val_if_fail (MPY_IS_AUTOSAVE (self), NULL);

  return self->path;
}

/**
 * mpy_autosave_load:
 * @path: (nullable): the journal, or %NULL for mpy_autosave_get_default_path()
 * @error: return location for a #GError
 *
 * mpy_autosave_load_full() without the warning.
 *
 * Returns: (transfer full) (nullable) (element-type MpySnapshot): the snapshots, or %NULL
 */
GPtrArray *
mpy_autosave_load (const char  *path,
                   GError     **error)
{
  g_autoptr(GError) warning = NULL;

  return mpy_autosave_load_full (path, &warning, error);
}

/* Keeps the bytes of a journal with damaged records as "JOURNAL.damaged" (replacing an older
 * copy: the journal only grows), for recovery by hand. Returns the copy's name or NULL. */
static char *
keep_damaged_copy (const char *path,
                   const char *contents,
                   gsize       length)
{
  g_autofree char *aside = g_strconcat (path, ".damaged", NULL);
  g_autoptr(GError) error = NULL;

  if (!mpy_session_replace_contents (aside, contents, length, 0600, &error))
    {
      g_message ("Autosave: %s", error->message);
      return NULL;
    }
  return g_steal_pointer (&aside);
}

/**
 * mpy_autosave_load_full:
 * @path: (nullable): the journal, or %NULL for mpy_autosave_get_default_path()
 * @warning: (optional): return location for what could not be restored
 * @error: return location for a #GError
 *
 * Reads what a previous run left. A damaged record (a crash or a full disk in the middle of
 * a write, a dump that cannot be read) is skipped and the records after it are read; then
 * @warning says what was skipped, and the journal's bytes are also kept as
 * "JOURNAL.damaged" (named in the message), so that deleting or rewriting the journal after
 * a restore loses nothing that was not restored. A journal that holds records of which none
 * can be read is an error, so that the caller keeps it.
 *
 * Returns: (transfer full) (nullable) (element-type MpySnapshot): the snapshots, or %NULL
 *   when there is no journal or it holds no record (@error unset), or %NULL with @error
 */
GPtrArray *
mpy_autosave_load_full (const char  *path,
                        GError     **warning,
                        GError     **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GError) problem = NULL;
  MpySessionParse parse;
  GPtrArray *snapshots;
  gsize length = 0;

  g_return_val_if_fail (warning == NULL || *warning == NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL)
    path = default_path = mpy_autosave_get_default_path ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  if (!mpy_file_load_contents (path, MPY_SESSION_MAX_SIZE, NULL, &contents, &length, error))
    return NULL;
  if (length == 0)
    return NULL;

  display = g_filename_display_name (path);
  if (!mpy_session_parse (contents, length, &parse, error))
    {
      g_prefix_error (error, _("The autosave file “%s” cannot be restored: "), display);
      return NULL;
    }

  if (parse.first_problem != NULL)
    {
      problem = mpy_session_parse_warning (&parse);
      kept = keep_damaged_copy (path, contents, length);
      if (parse.snapshots->len == 0)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&problem),
                                      _("The autosave file “%s” cannot be restored: "), display);
          mpy_session_parse_clear (&parse);
          return NULL;
        }
      if (kept != NULL)
        {
          g_autofree char *kept_display = g_filename_display_name (kept);

          g_prefix_error (&problem, _("Part of the autosave file “%s” could not be restored "
                                      "(a copy is kept as “%s”): "), display, kept_display);
        }
      else
        g_prefix_error (&problem, _("Part of the autosave file “%s” could not be restored: "),
                        display);
      g_propagate_error (warning, g_steal_pointer (&problem));
    }

  if (parse.snapshots->len == 0)
    {
      mpy_session_parse_clear (&parse);
      return NULL;
    }

  snapshots = g_steal_pointer (&parse.snapshots);
  mpy_session_parse_clear (&parse);
  return snapshots;
}
