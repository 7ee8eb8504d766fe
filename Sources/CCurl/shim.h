#ifndef OMS_CCURL_SHIM_H
#define OMS_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_multi_setopt are variadic, which Swift cannot call:
// one typed shim per argument type.
static inline CURLcode oms_curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode oms_curl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode oms_curl_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode oms_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode oms_curl_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*oms_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode oms_curl_easy_setopt_write_function(CURL *h, CURLoption o, oms_curl_write_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode oms_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode oms_curl_easy_getinfo_pointer(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode oms_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
// Header callbacks share the write callback's signature; a named shim keeps call sites readable.
static inline CURLcode oms_curl_easy_setopt_header_function(CURL *h, oms_curl_write_callback v) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, v); }
// CURL_GLOBAL_DEFAULT is a macro built from other macros, which Swift does not import.
static inline CURLcode oms_curl_global_init_default(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }
// The CURLMsg union: read the transfer result without Swift touching the union layout.
static inline CURLcode oms_curl_msg_result(const CURLMsg *m) { return m->data.result; }
#if defined(__linux__)
#include <sys/prctl.h>
// Names the client's loop thread (shown by top -H, gdb); pthread_setname_np needs
// _GNU_SOURCE and prctl is variadic, so neither is callable from Swift directly.
static inline void oms_curl_set_thread_name(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }
#endif
#endif
