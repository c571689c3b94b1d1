/* mpy-window-settings.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window remembers between runs (GSettings): its size, the view options, the port
 * and its line overrides, the folders of the file choosers and the recent files.
 */

#include <glib/gi18n.h>

#include "mpy-window-private.h"

static GSettings *
lookup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running from the build tree the schema is not installed: then nothing is remembered. */
  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new (APP_ID);
}

/* Whether the installed schema has @key (an older installed schema may lack newer keys). */
gboolean
_mpy_window_has_setting (MpyWindow  *self,
                         const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (self->settings == NULL)
    return FALSE;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  return g_settings_schema_has_key (schema, key);
}

static void
bind_setting (MpyWindow  *self,
              const char *key,
              gpointer    object,
              const char *property)
{
  if (_mpy_window_has_setting (self, key))
    g_settings_bind (self->settings, key, object, property, G_SETTINGS_BIND_DEFAULT);
}

void
_mpy_window_remember_folder (MpyWindow  *self,
                             const char *key,
                             GFile      *file)
{
  g_autoptr(GFile) parent = NULL;
  g_autofree char *path = NULL;

  if (!_mpy_window_has_setting (self, key) || file == NULL)
    return;

  parent = g_file_get_parent (file);
  path = parent ? g_file_get_path (parent) : NULL;
  if (path != NULL)
    g_settings_set_string (self->settings, key, path);
}

void
_mpy_window_restore_folder (MpyWindow      *self,
                            const char     *key,
                            GtkFileChooser *chooser)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) folder = NULL;

  if (!_mpy_window_has_setting (self, key))
    return;

  path = g_settings_get_string (self->settings, key);
  if (path == NULL || *path == '\0' || !g_file_test (path, G_FILE_TEST_IS_DIR))
    return;

  folder = g_file_new_for_path (path);
  gtk_file_chooser_set_current_folder (chooser, folder, NULL);
}

void
_mpy_window_remember_recent (MpyWindow *self,
                             GFile     *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *path = g_file_get_path (file);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);

  if (path != NULL && _mpy_window_has_setting (self, "recent-files"))
    {
      g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-files");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) recent = NULL;
      guint n = 1;

      g_strv_builder_add (builder, path);
      for (guint i = 0; old[i] != NULL && n < 10; i++)
        if (g_strcmp0 (old[i], path) != 0)
          {
            g_strv_builder_add (builder, old[i]);
            n++;
          }
      recent = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "recent-files", (const char * const *) recent);
    }

  _mpy_window_update_recent_menu (self);
}

/* The main menu's Open Recent: the sessions and logs of the "recent-files" setting, else (no
 * schema installed) what GtkRecentManager remembers for this program. */
void
_mpy_window_update_recent_menu (MpyWindow *self)
{
  g_auto(GStrv) paths = NULL;
  guint n = 0;

  if (self->recent_section == NULL)
    return;

  g_menu_remove_all (self->recent_section);

  if (_mpy_window_has_setting (self, "recent-files"))
    paths = g_settings_get_strv (self->settings, "recent-files");
  else
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());

      for (GList *l = items; l != NULL; l = l->next)
        {
          GtkRecentInfo *info = l->data;
          g_autofree char *path = NULL;

          if (g_get_prgname () == NULL || !gtk_recent_info_has_application (info, g_get_prgname ()))
            continue;
          path = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
          if (path != NULL)
            g_strv_builder_add (builder, path);
        }
      g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
      paths = g_strv_builder_end (builder);
    }

  for (guint i = 0; paths[i] != NULL && n < 8; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (!g_file_test (paths[i], G_FILE_TEST_IS_REGULAR))
        continue;
      name = g_filename_display_basename (paths[i]);
      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", paths[i]);
      g_menu_append_item (self->recent_section, item);
      n++;
    }

  if (n == 0)
    {
      /* Without an action the item shows greyed out. */
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No recent files"), NULL);
      g_menu_append_item (self->recent_section, item);
    }
}

void
_mpy_window_remember_port (MpyWindow *self)
{
#ifdef HAVE_DEVICE
  MpyBoard *board = mpy_device_sidebar_get_board (self->device_sidebar);

  if (_mpy_window_has_setting (self, "last-port"))
    g_settings_set_string (self->settings, "last-port", mpy_board_get_address (board));
  if (_mpy_window_has_setting (self, "baud"))
    g_settings_set_uint (self->settings, "baud", mpy_board_get_baud (board));
#endif
}

static const char *line_names[] = { "default", "on", "off" };

static guint
line_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (line_names); i++)
    if (g_strcmp0 (name, line_names[i]) == 0)
      return i;
  return 0;
}

/* The per-port DTR/RTS overrides follow the port the user picks. */
void
_mpy_window_device_path_cb (MpyWindow        *self,
                            GParamSpec       *pspec,
                            MpyDeviceSidebar *sidebar)
{
  g_autoptr(GVariant) overrides = NULL;
  const char *path = mpy_device_sidebar_get_path (sidebar);
  const char *dtr = NULL, *rts = NULL;

  /* raw-paste off for the ports listed (no user interface: gsettings or dconf) */
  if (_mpy_window_has_setting (self, "raw-paste-off"))
    {
      g_auto(GStrv) off = g_settings_get_strv (self->settings, "raw-paste-off");

      mpy_board_set_raw_paste (mpy_device_sidebar_get_board (sidebar),
                               path != NULL && g_strv_contains ((const char * const *) off, path)
                               ? MPY_RAW_PASTE_OFF : MPY_RAW_PASTE_AUTO);
    }

  if (!_mpy_window_has_setting (self, "line-overrides"))
    return;

  overrides = g_settings_get_value (self->settings, "line-overrides");
  g_variant_lookup (overrides, path, "(&s&s)", &dtr, &rts);

  self->loading_lines = TRUE;
  mpy_device_sidebar_set_lines (sidebar, line_from_name (dtr), line_from_name (rts));
  self->loading_lines = FALSE;
}

void
_mpy_window_device_lines_cb (MpyWindow        *self,
                             GParamSpec       *pspec,
                             MpyDeviceSidebar *sidebar)
{
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *path = mpy_device_sidebar_get_path (sidebar);
  const char *key, *dtr, *rts;
  guint new_dtr = mpy_device_sidebar_get_dtr (sidebar);
  guint new_rts = mpy_device_sidebar_get_rts (sidebar);

  if (self->loading_lines || path == NULL || *path == '\0'
      || !_mpy_window_has_setting (self, "line-overrides"))
    return;

  old = g_settings_get_value (self->settings, "line-overrides");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(ss)}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s(&s&s)}", &key, &dtr, &rts))
    if (g_strcmp0 (key, path) != 0)
      g_variant_builder_add (&builder, "{s(ss)}", key, dtr, rts);
  /* Both at their default: nothing to remember for this port. */
  if (new_dtr != 0 || new_rts != 0)
    g_variant_builder_add (&builder, "{s(ss)}", path, line_names[MIN (new_dtr, 2)], line_names[MIN (new_rts, 2)]);
  g_settings_set_value (self->settings, "line-overrides", g_variant_builder_end (&builder));
}

void
_mpy_window_settings_init (MpyWindow *self)
{
  self->settings = lookup_settings ();

  bind_setting (self, "window-width", self, "default-width");
  bind_setting (self, "window-height", self, "default-height");
  bind_setting (self, "window-maximized", self, "maximized");
  bind_setting (self, "columns", self->heap_view, "columns");
  bind_setting (self, "rainbow", self->heap_view, "rainbow");
  bind_setting (self, "show-free", self->heap_view, "show-free");
  bind_setting (self, "recent-network-boards", self->device_sidebar, "recent-network-boards");
  if (_mpy_window_has_setting (self, "last-port"))
    {
      g_autofree char *port = g_settings_get_string (self->settings, "last-port");

      if (port != NULL && *port != '\0')
        mpy_device_sidebar_set_path (self->device_sidebar, port);
    }
  if (_mpy_window_has_setting (self, "baud"))
    mpy_device_sidebar_set_baud (self->device_sidebar, g_settings_get_uint (self->settings, "baud"));
  if (_mpy_window_has_setting (self, "gc-before-capture"))
    {
      /* A check item in the Capture menu; a soft reset is never remembered. */
      g_autoptr(GAction) action = g_settings_create_action (self->settings, "gc-before-capture");
      g_action_map_add_action (G_ACTION_MAP (self), action);
    }

  _mpy_window_update_recent_menu (self);
}
