#ifndef OMS_CRDKAFKA_SHIM_H
#define OMS_CRDKAFKA_SHIM_H
// librdkafka (librdkafka-dev): `Kafka` wraps it. rd_kafka_producev is variadic and cannot be
// called from Swift, so its one shape the wrapper needs is spelled out here.
#include <librdkafka/rdkafka.h>

/// Produces one copied message to `topic` (partition chosen by hashing the key). `headers`
/// may be NULL; on success librdkafka owns them, on failure the caller still does.
static inline rd_kafka_resp_err_t oms_kafka_produce(
    rd_kafka_t *rk, const char *topic,
    const void *key, size_t key_len,
    const void *value, size_t value_len,
    rd_kafka_headers_t *headers,
    void *opaque
) {
    if (headers == NULL) {
        return rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE((void *)value, value_len),
            RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    }
    return rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE((void *)value, value_len),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}
#endif
