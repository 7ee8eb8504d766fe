#ifndef OMS_CHIREDIS_SHIM_H
#define OMS_CHIREDIS_SHIM_H
// hiredis 0.14 (libhiredis-dev): the synchronous API only; `Redis` wraps it.
#include <hiredis/hiredis.h>
#endif
