/* placeholder until the device layer lands */
#include <stdio.h>
#include "mpy-cli-device.h"
int mpy_cli_ports (int argc, char **argv) { fprintf (stderr, "ports: not built yet\n"); return 1; }
int mpy_cli_capture (int argc, char **argv) { fprintf (stderr, "capture: not built yet\n"); return 1; }
