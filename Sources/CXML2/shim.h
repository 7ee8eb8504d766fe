#ifndef OMS_CXML2_SHIM_H
#define OMS_CXML2_SHIM_H
#include <libxml/xmlversion.h>
// libxml2's ICU headers clash with Foundation's.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
