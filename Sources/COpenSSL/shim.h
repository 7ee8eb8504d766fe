#ifndef OMS_COPENSSL_SHIM_H
#define OMS_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <openssl/pem.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/ssl.h>

/* JOSE helpers: OpenSSL macros that Swift cannot import (composite or function-like). */
static inline int oms_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int oms_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }
static inline long oms_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }

/* TLS helpers: the same for the client connections of the TLS module. */
static inline int oms_SSL_CTX_set_min_tls12(SSL_CTX *ctx) { return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
static inline int oms_SSL_set_tlsext_host_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
static inline long oms_SSL_CTX_set_mode_auto_retry(SSL_CTX *ctx) { return SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY); }
#endif
