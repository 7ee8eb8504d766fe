import CoreMetrics
import EdgeRuntime

/// The cache's and the database's counters, as `/metrics` shows them.
final class RefDataMetrics: Sendable {
    let nearHits: Counter
    let hits: Counter
    let misses: Counter
    /// Reads that skipped Redis: down, breaker open, or flushing after lost invalidations.
    let bypasses: Counter
    let fills: Counter
    let invalidations: Counter
    let failedInvalidations: Counter
    let redisErrors: Counter
    let databaseReads: Counter
    let databaseTime: Timer
    /// 1 while the near cache is in use (its invalidation channel is up), else 0.
    let nearCacheLive: Gauge

    init(registry: MetricsRegistry) {
        nearHits = registry.counter("oms_refdata_cache_reads_total", [("result", "near_hit")])
        hits = registry.counter("oms_refdata_cache_reads_total", [("result", "hit")])
        misses = registry.counter("oms_refdata_cache_reads_total", [("result", "miss")])
        bypasses = registry.counter("oms_refdata_cache_reads_total", [("result", "bypass")])
        fills = registry.counter("oms_refdata_cache_fills_total")
        invalidations = registry.counter("oms_refdata_cache_invalidations_total", [("result", "ok")])
        failedInvalidations = registry.counter("oms_refdata_cache_invalidations_total", [("result", "failed")])
        redisErrors = registry.counter("oms_refdata_redis_errors_total")
        databaseReads = registry.counter("oms_refdata_database_reads_total")
        databaseTime = registry.timer("oms_refdata_database_seconds")
        nearCacheLive = registry.gauge("oms_refdata_near_cache_live")
    }
}
