import EdgeRuntime

/// The core's metrics, described and created when the role starts (Kafka configured or not),
/// so a scrape shows every one from the first, and an alert on `increase()` sees the first
/// failed step or round.
enum CoreMetricCatalog {
    static let steps = ["validate", "enrich", "submit", "poll"]

    static func register(_ registry: MetricsRegistry) {
        registry.describe("oms_core_steps_total", "Steps the jobs ran, by step and result (the status reached, waiting, retry, failed, lease_lost).")
        registry.describe("oms_core_batch_lookups_total", "Thunderhead batch lookups of requests found SUBMITTING, by result (adopted, absent, unsupported, failed, off).")
        for result in ["adopted", "absent", "unsupported", "failed", "off"] {
            _ = registry.counter("oms_core_batch_lookups_total", [("result", result)])
        }
        registry.describe("oms_core_refdata_lookups_shared_total", "Source and document-type lookups at refdata answered by a call another request in hand sent after this one asked (calls saved).")
        _ = registry.counter("oms_core_refdata_lookups_shared_total")
        registry.describe("oms_core_events_published_total", "Final-status events the outbox relay published to Kafka.")
        registry.describe("oms_core_events_unpublished_total", "Events a relay round could not publish; they stay in the outbox for the next round.")
        registry.describe("oms_core_outbox_unsent", "Events in the outbox waiting for Kafka.")
        registry.describe("oms_core_kafka_producers_replaced_total", "Kafka producers the relay replaced, by reason (fatal, stalled).")
        for step in steps {
            for result in ["retry", "failed"] {
                _ = registry.counter("oms_core_steps_total", [("step", step), ("result", result)])
            }
        }
        _ = registry.counter("oms_core_events_published_total")
        _ = registry.counter("oms_core_events_unpublished_total")
        _ = registry.gauge("oms_core_outbox_unsent")
        for reason in ["fatal", "stalled"] {
            _ = registry.counter("oms_core_kafka_producers_replaced_total", [("reason", reason)])
        }
    }
}
