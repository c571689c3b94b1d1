/* mpy-session.h — placeholder: the session helper defines this API (see issue 5). */
#pragma once
