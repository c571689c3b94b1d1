/* mpy-cli-common.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the commands on dumps share: one-line messages and usage errors, a command's option
 * context, reading the dumps of a file, naming one dump as FILE[:N], comparing two.
 */

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "mpy-cli-common.h"
#include "mpy-dump-reader.h"
#include "mpy-session.h"

static const char *prgname = MPY_CLI_PRGNAME;

const char *const mpy_cli_index_help =
  N_("A dump is named FILE:N, N being the 0-based index of the dump in FILE (the \"index\" field\n"
  "of `stats --json`). FILE alone is its first dump (FILE:0) where one dump is meant (diff,\n"
  "render) and every dump of FILE where many are (stats, timeline, render --animate).\n");

/* A one-line message on stderr. */
void
mpy_cli_fail (const char *format,
              ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Keep it to one line even when a message from below spans several. */
  g_strdelimit (message, "\r\n", ' ');
  fprintf (stderr, "%s: %s\n", prgname, message);
}

int
mpy_cli_usage_with_help (GOptionContext *context,
                         const char     *format,
                         ...)
{
  g_autofree char *message = NULL;
  g_autofree char *help = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  help = g_option_context_get_help (context, TRUE, NULL);
  fprintf (stderr, "%s: %s\n\n%s", g_get_prgname (), message, help);
  return EXIT_USAGE;
}

int
mpy_cli_fail_message (const char *message)
{
  fprintf (stderr, "%s: %s\n", g_get_prgname (), message);
  return EXIT_INPUT;
}

int
mpy_cli_usage_error (const char *format,
                     ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* The prgname is "mpymemmap-cli COMMAND" while a command runs. */
  fprintf (stderr, _("%s: %s\nTry “%s --help”.\n"), g_get_prgname (), message, g_get_prgname ());
  return EXIT_USAGE;
}

/* A command's options; @parameter_string is its usage line after “[OPTION…]”. Every text
 * of its --help (N_() where it is written) is translated when --help prints it. */
GOptionContext *
mpy_cli_command_context (const char         *parameter_string,
                         const GOptionEntry *entries,
                         const char         *summary,
                         const char         *description)
{
  GOptionContext *context = g_option_context_new (parameter_string);

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  return context;
}

/* Every dump in @path: session files keep their labels and times, any other text goes
 * through the dump reader. */
GPtrArray *
mpy_cli_read_dumps (const char  *path,
                    GError     **error)
{
  g_autoptr(GError) warning = NULL;
  GPtrArray *dumps = mpy_session_read_file_full (path, &warning, error);

  /* A truncated or damaged session: its whole records are used, and what was cut is said,
   * once per file however many of its dumps a command names (diff A:0 A:1). */
  if (warning != NULL)
    {
      static GHashTable *said;
      g_autofree char *message = g_strdup (warning->message);

      g_strdelimit (message, "\r\n", ' ');
      if (said == NULL)
        said = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (g_hash_table_add (said, g_strdup (message)))
        fprintf (stderr, _("%s: warning: %s\n"), prgname, message);
    }
  return dumps;
}

const char *
mpy_cli_describe_error (GError *error)
{
  return error != NULL && error->message != NULL ? error->message : _("unknown error");
}

/* "FILE: message", unless the message names the file already. */
void
mpy_cli_fail_file (const char *file,
                   GError     *error)
{
  const char *message = mpy_cli_describe_error (error);

  if (g_error_matches (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY))
    {
      /* The reader, given only the contents, calls them “the text”: name the file. */
      mpy_cli_fail (_("%s is not text (it contains NUL bytes or other binary data); open a serial log "
                    "or a saved mem_info() dump instead"), file);
      return;
    }
  if (strstr (message, file) != NULL)
    mpy_cli_fail ("%s", message);
  else
    mpy_cli_fail ("%s: %s", file, message);
}

/* Splits "FILE" or "FILE:N". A name that exists as a file is taken whole, so file names
 * with a colon still work. */
gboolean
mpy_cli_parse_dump_ref (const char  *arg,
                        char       **file,
                        guint64     *index,
                        gboolean    *explicit_index)
{
  const char *colon = strrchr (arg, ':');

  *explicit_index = FALSE;
  *index = 0;
  if (colon != NULL && colon[1] != '\0' && !g_file_test (arg, G_FILE_TEST_EXISTS))
    {
      const char *p;

      for (p = colon + 1; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          break;
      if (*p == '\0')
        {
          /* Any number is an index: one too big for any file is “no dump N”, not a file
           * called “FILE:N” that does not exist. */
          if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT64, index, NULL))
            *index = G_MAXUINT64;
          *file = g_strndup (arg, colon - arg);
          *explicit_index = TRUE;
          return **file != '\0';
        }
    }
  *file = g_strdup (arg);
  return **file != '\0';
}

/* FALSE (the message printed) when @dumps of @file, named by @arg, have no dump @index. */
static gboolean
check_dump_index (const char *arg,
                  const char *file,
                  GPtrArray  *dumps,
                  guint64     index,
                  gboolean    explicit_index)
{
  const char *number = explicit_index ? strrchr (arg, ':') + 1 : "0";

  if (index < dumps->len)
    return TRUE;
  if (dumps->len == 0)
    mpy_cli_fail (_("no dump %s in %s: the file holds no dumps"), number, file);
  else
    mpy_cli_fail (g_dngettext (GETTEXT_PACKAGE,
                               "no dump %s in %s: the file holds %u dump (indexes 0 to %u)",
                               "no dump %s in %s: the file holds %u dumps (indexes 0 to %u)",
                               dumps->len),
                  number, file, dumps->len, dumps->len - 1);
  return FALSE;
}

/* The dumps of @arg (FILE or FILE:N) read, or NULL with the message printed. */
static GPtrArray *
read_dump_ref (const char  *arg,
               char       **file,
               guint64     *index,
               gboolean    *explicit_index)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *dumps;

  if (!mpy_cli_parse_dump_ref (arg, file, index, explicit_index))
    {
      mpy_cli_fail (_("“%s”: give a file name, optionally followed by :N (the dump’s 0-based index)"), arg);
      return NULL;
    }
  dumps = mpy_cli_read_dumps (*file, &error);
  if (dumps == NULL)
    mpy_cli_fail_file (*file, error);
  return dumps;
}

static void
cli_dump_free (MpyCliDump *dump)
{
  g_free (dump->file);
  mpy_snapshot_unref (dump->snapshot);
  g_free (dump);
}

GPtrArray *
mpy_cli_load_dump_refs (const char * const *args,
                        gboolean            need_dumps)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) cli_dump_free);
  gboolean ok = TRUE;

  /* Every argument is tried, so that one run names every bad one. */
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *file = NULL;
      g_autoptr(GPtrArray) dumps = NULL;
      gboolean explicit_index;
      guint64 index;
      guint first, last;

      dumps = read_dump_ref (args[i], &file, &index, &explicit_index);
      if (dumps == NULL)
        {
          ok = FALSE;
          continue;
        }
      if (explicit_index && !check_dump_index (args[i], file, dumps, index, explicit_index))
        {
          ok = FALSE;
          continue;
        }
      if (!explicit_index && need_dumps && dumps->len == 0)
        {
          mpy_cli_fail (_("%s: the file holds no dumps"), file);
          ok = FALSE;
          continue;
        }
      first = explicit_index ? (guint) index : 0;
      last = explicit_index ? (guint) index + 1 : dumps->len;
      for (guint k = first; k < last; k++)
        {
          MpyCliDump *dump = g_new0 (MpyCliDump, 1);

          dump->file = g_strdup (file);
          dump->index = k;
          dump->n_in_file = dumps->len;
          dump->snapshot = mpy_snapshot_ref (g_ptr_array_index (dumps, k));
          g_ptr_array_add (result, dump);
        }
    }
  return ok ? g_steal_pointer (&result) : NULL;
}

/* Loads one dump named FILE or FILE:N; prints the message and returns NULL on failure. */
MpySnapshot *
mpy_cli_load_dump_ref (const char *arg)
{
  g_autofree char *file = NULL;
  g_autoptr(GPtrArray) dumps = NULL;
  gboolean explicit_index;
  guint64 index;

  dumps = read_dump_ref (arg, &file, &index, &explicit_index);
  if (dumps == NULL || !check_dump_index (arg, file, dumps, index, explicit_index))
    return NULL;
  {
    MpySnapshot *snapshot = g_ptr_array_index (dumps, (guint) index);
    g_autofree char *base = NULL;
    g_autofree char *label = NULL;

    /* Never pass a damaged dump off as whole: the result stands, with a warning. */
    if (mpy_snapshot_is_damaged (snapshot))
      fprintf (stderr, _("%s: warning: %s:%llu is damaged (%s); its map may be "
               "incomplete\n"), prgname, file, (unsigned long long) index,
               mpy_snapshot_get_damage_reason (snapshot) ? mpy_snapshot_get_damage_reason (snapshot)
                                                         : _("map and header disagree"));

    /* Pictures say what they show: a dump without a label is named after its file. */
    if (mpy_snapshot_get_label (snapshot) != NULL)
      return mpy_snapshot_ref (snapshot);
    base = g_path_get_basename (file);
    label = dumps->len > 1 ? g_strdup_printf ("%s:%" G_GUINT64_FORMAT, base, index)
                           : g_steal_pointer (&base);
    return mpy_snapshot_with_label (snapshot, label);
  }
}

/* Why two dumps have no block diff: mpy_diff_new_best() gives it as a clause, which the
 * messages around it lead. */
const char *
mpy_cli_no_block_diff_reason (GError *error)
{
  return mpy_cli_describe_error (error);
}

/* The diff from @before (named @before_arg) to @after; prints the message and returns NULL
 * when the two cannot be compared. */
MpyDiff *
mpy_cli_compare_dumps (MpySnapshot *before,
                       MpySnapshot *after,
                       const char  *before_arg,
                       const char  *after_arg)
{
  g_autoptr(GError) error = NULL;
  MpyDiff *diff = NULL;

  /* The reason comes as a clause; the message leads it with the files' names. */
  if (mpy_diff_check_compatible (before, after, &error))
    diff = mpy_diff_new (before, after, &error);
  if (diff == NULL)
    {
      g_prefix_error (&error, _("%s (before) and %s (after) cannot be compared: "),
                      before_arg, after_arg);
      mpy_cli_fail ("%s", mpy_cli_describe_error (error));
    }
  return diff;
}

/* The password options need the device layer (absent with -Ddevice=false). */
#if __has_include("mpy-transport.h")
#include "mpy-transport.h"

const char *const mpy_cli_password_help =
  N_("A WebREPL (ws://HOST[:PORT]) needs its password: the first line of --password-file FILE, or\n"
  "$MPYMEMMAP_PASSWORD; never on the command line, where other users could read it.");

void
mpy_cli_add_password_options (GOptionContext  *context,
                              char           **password_file)
{
  /* GOption copies the entries; @password_file is the caller's and outlives the parse. */
  const GOptionEntry entries[] = {
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, password_file,
      N_("Read the WebREPL password from FILE's first line (else $MPYMEMMAP_PASSWORD)"), "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

int
mpy_cli_read_password (GOptionContext  *context,
                       const char      *port,
                       const char      *password_file,
                       char           **password)
{
  g_autofree char *found = NULL;

  *password = NULL;
  if (password_file != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!g_file_get_contents (password_file, &found, NULL, &error))
        return mpy_cli_fail_message (error->message);
      /* One line: the newline an editor or `echo` adds is not part of it. */
      found[strcspn (found, "\r\n")] = '\0';
    }
  else if (g_getenv ("MPYMEMMAP_PASSWORD") != NULL)
    found = g_strdup (g_getenv ("MPYMEMMAP_PASSWORD"));

  if (mpy_address_needs_password (port) && (found == NULL || found[0] == '\0'))
    return mpy_cli_usage_with_help (context, _("%s is a WebREPL address: give its password with "
                                               "--password-file FILE or in $MPYMEMMAP_PASSWORD"), port);
  *password = g_steal_pointer (&found);
  return EXIT_OK;
}
#endif

/* The PNG is written to a temporary “OUT.XXXXXX” beside OUT and renamed; a failure names
 * that temporary file, which the user never asked for: name OUT instead. */
char *
mpy_cli_name_target_not_temp (const char *message,
                              const char *output)
{
  g_autofree char *display = g_filename_display_name (output);
  g_autofree char *escaped = g_regex_escape_string (display, -1);
  g_autofree char *pattern = g_strdup_printf ("%s\\.[A-Za-z0-9]{6}(?=”)", escaped);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  char *replaced;

  if (regex == NULL)
    return g_strdup (message);
  replaced = g_regex_replace_literal (regex, message, -1, 0, display, 0, NULL);
  return replaced != NULL ? replaced : g_strdup (message);
}
